#!/bin/bash
# Post-image step of virt/qemu: puts this layer's grub.cfg and a GRUB
# environment block with slot a as the default into images/efi-part/EFI/BOOT/,
# beside bootx64.efi, where layout.yaml copies them onto the EFI system
# partition of the A/B disk image skiff:install writes.
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
conf="${SKIFF_CURRENT_CONF_DIR:?}"
dir="$images/efi-part/EFI/BOOT"
mkdir -p "$dir"
cp "$conf/resources/grub.cfg" "$dir/grub.cfg"
# A header line, name=value lines, '#' up to 1024 bytes: what grub-editenv
# writes.
header='# GRUB Environment Block
saved_entry=slot-a
'
{
    printf '%s' "$header"
    head -c $((1024 - $(printf '%s' "$header" | wc -c))) /dev/zero | tr '\0' '#'
} > "$dir/grubenv"
echo "virt/qemu: installed grub.cfg and grubenv into $dir"
