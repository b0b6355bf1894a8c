#!/bin/bash
# Post-image step of intel/desktop: builds images/disk.img, a GPT disk
# image to write to a USB stick or internal disk. Its only partition is
# the EFI system partition (FAT) holding GRUB (EFI/BOOT/bootx64.efi and
# grub.cfg), bzImage, microcode.cpio and rootfs.cpio.gz. Its label is EFI,
# as in layout.yaml: the running system mounts the partition by that label
# (mnt-boot.mount), so skiff:push finds it at /mnt/boot.
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
conf="${SKIFF_CURRENT_CONF_DIR:?}"
esp_size="${SKIFF_ESP_SIZE:-1024M}"

grub_cfg="$images/efi-part/EFI/BOOT/grub.cfg"
mkdir -p "$(dirname "$grub_cfg")"
cp "$conf/resources/grub.cfg" "$grub_cfg"

files=(bzImage rootfs.cpio.gz)
if [ -f "$images/microcode.cpio" ]; then
    files+=(microcode.cpio)
else
    # No microcode archive: load the initramfs alone.
    sed -i 's|initrd /microcode.cpio |initrd |' "$grub_cfg"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
    echo 'image esp.vfat {'
    echo '    vfat {'
    echo '        label = "EFI"'
    echo '        file EFI { image = "efi-part/EFI" }'
    for f in "${files[@]}"; do
        echo "        file $f { image = \"$f\" }"
    done
    echo '    }'
    echo "    size = $esp_size"
    echo '}'
    echo 'image disk.img {'
    echo '    hdimage { partition-table-type = "gpt" }'
    echo '    partition esp {'
    echo '        image = "esp.vfat"'
    # EFI system partition type GUID.
    echo '        partition-type-uuid = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"'
    echo '        offset = 1M'
    echo '        bootable = true'
    echo '    }'
    echo '}'
} > "$work/genimage.cfg"

mkdir -p "$work/root" "$work/tmp"
"${HOST_DIR:?}/bin/genimage" \
    --rootpath "$work/root" --tmppath "$work/tmp" \
    --inputpath "$images" --outputpath "$images" \
    --config "$work/genimage.cfg"
echo "intel/desktop: wrote $images/disk.img"
