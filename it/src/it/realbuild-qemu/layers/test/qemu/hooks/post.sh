#!/bin/bash
# Post-image step of test/qemu, after virt/qemu's (which writes grub.cfg and grubenv): GRUB as an
# EFI application from Debian's grub-efi-amd64-bin, in place of Buildroot's GRUB package, at the
# path OVMF boots on a disk without boot entries.
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
dir="$images/efi-part/EFI/BOOT"
mkdir -p "$dir"
grub-mkimage -O x86_64-efi -p /EFI/BOOT -o "$dir/bootx64.efi" \
    boot linux fat part_gpt part_msdos normal configfile echo search search_label loadenv test \
    serial terminal
echo "test/qemu: wrote $dir/bootx64.efi with grub-mkimage"
