#!/bin/bash
# Post-image step of intel/x64: builds images/microcode.cpio.
#
# The kernel looks for CPU microcode in an uncompressed cpio archive at
# the very start of the initramfs, under kernel/x86/microcode/: one
# GenuineIntel.bin and one AuthenticAMD.bin, each the concatenation of
# the vendor's files. Boot loaders pass it as the first initrd, in front
# of rootfs.cpio.gz.
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
target="${TARGET_DIR:?TARGET_DIR is not set}"
out="$images/microcode.cpio"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/kernel/x86/microcode"
if compgen -G "$images/intel-ucode/*" >/dev/null; then
    cat "$images"/intel-ucode/* > "$work/kernel/x86/microcode/GenuineIntel.bin"
fi
if compgen -G "$target/lib/firmware/amd-ucode/*.bin" >/dev/null; then
    cat "$target"/lib/firmware/amd-ucode/*.bin > "$work/kernel/x86/microcode/AuthenticAMD.bin"
fi

cpio=cpio
[ -x "${HOST_DIR:-}/bin/cpio" ] && cpio="$HOST_DIR/bin/cpio"
# Sorted names, root ownership and fixed times: a reproducible archive.
(
    cd "$work"
    find . -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
    find kernel | LC_ALL=C sort | "$cpio" --quiet -o -H newc -R 0:0 > "$out"
)
echo "intel/x64: wrote $out"
