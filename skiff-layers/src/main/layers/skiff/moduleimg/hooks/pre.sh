#!/bin/bash
# Post-build step of skiff/moduleimg.
#
# Moves the kernel modules out of the root filesystem into
# $BINARIES_DIR/modules.squashfs. The initramfs stays small (it is held in
# RAM for the whole uptime), and the modules can be shipped and replaced
# next to the kernel they belong to. skiff-modules.service loop-mounts the
# image back on /usr/lib/modules at boot.
set -euo pipefail

target="${TARGET_DIR:-${1:?target directory}}"
images="${BINARIES_DIR:?BINARIES_DIR is not set}"
image="$images/modules.squashfs"

if ! grep -q '^BR2_LINUX_KERNEL=y' "${BR2_CONFIG:?BR2_CONFIG is not set}"; then
    echo "skiff/moduleimg: this chain builds no kernel, nothing to pack"
    exit 0
fi

modules="$target/usr/lib/modules"
if [ -z "$(ls -A "$modules" 2>/dev/null)" ]; then
    # A second run (make again without a kernel rebuild): the modules
    # were already moved out, keep the image made the first time.
    if [ -f "$image" ]; then
        echo "skiff/moduleimg: modules already packed into $image"
        exit 0
    fi
    echo "skiff/moduleimg: no modules were installed, no image made"
    exit 0
fi

mkdir -p "$images"
rm -f "$image"
# Fixed owner and times keep the image reproducible.
"${HOST_DIR:?HOST_DIR is not set}/bin/mksquashfs" "$modules" "$image" \
    -noappend -all-root -comp gzip \
    ${SOURCE_DATE_EPOCH:+-mkfs-time "$SOURCE_DATE_EPOCH" -all-time "$SOURCE_DATE_EPOCH"}

# Leave an empty mount point behind.
rm -rf "$modules"
mkdir -p "$modules"
echo "skiff/moduleimg: packed kernel modules into $image"
