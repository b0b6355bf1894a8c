#!/bin/bash
# Post-image step of intel/desktop: builds images/disk.img, a GPT disk
# image to write to a USB stick or internal disk, with the partitions of
# layout.yaml up to persist (which the system lives without): the EFI system
# partition (label EFI) holding GRUB (EFI/BOOT/bootx64.efi, grub.cfg) and
# EFI/BOOT/grubenv with slot a as the default, and the two A/B slots BOOTA and
# BOOTB, each holding bzImage, microcode.cpio and rootfs.cpio.gz. The labels
# are those of layout.yaml and grub.cfg: GRUB finds the slots by them, and the
# running system mounts them by them (skiff-slot, mnt-boot.mount).
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
conf="${SKIFF_CURRENT_CONF_DIR:?}"
esp_size="${SKIFF_ESP_SIZE:-128M}"
slot_size="${SKIFF_SLOT_SIZE:-1024M}"

grub_cfg="$images/efi-part/EFI/BOOT/grub.cfg"
mkdir -p "$(dirname "$grub_cfg")"
cp "$conf/resources/grub.cfg" "$grub_cfg"
# GRUB's environment block: a header line, name=value lines, '#' up to 1024
# bytes (what grub-editenv writes); slot a is the default.
grubenv="$(dirname "$grub_cfg")/grubenv"
header='# GRUB Environment Block
saved_entry=slot-a
'
{
    printf '%b' "$header"
    head -c $((1024 - $(printf '%b' "$header" | wc -c))) /dev/zero | tr '\0' '#'
} > "$grubenv"

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
    echo '    }'
    echo "    size = $esp_size"
    echo '}'
    for slot in BOOTA BOOTB; do
        echo "image $slot.vfat {"
        echo '    vfat {'
        echo "        label = \"$slot\""
        for f in "${files[@]}"; do
            echo "        file $f { image = \"$f\" }"
        done
        echo '    }'
        echo "    size = $slot_size"
        echo '}'
    done
    echo 'image disk.img {'
    echo '    hdimage { partition-table-type = "gpt" }'
    echo '    partition esp {'
    echo '        image = "esp.vfat"'
    # EFI system partition type GUID.
    echo '        partition-type-uuid = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"'
    echo '        offset = 1M'
    echo '        bootable = true'
    echo '    }'
    for slot in BOOTA BOOTB; do
        echo "    partition $slot {"
        echo "        image = \"$slot.vfat\""
        echo '    }'
    done
    echo '}'
} > "$work/genimage.cfg"

mkdir -p "$work/root" "$work/tmp"
"${HOST_DIR:?}/bin/genimage" \
    --rootpath "$work/root" --tmppath "$work/tmp" \
    --inputpath "$images" --outputpath "$images" \
    --config "$work/genimage.cfg"
echo "intel/desktop: wrote $images/disk.img"
