#!/bin/bash
# Post-image step of this Raspberry Pi board layer: installs the board's
# config.txt and cmdline.txt next to the GPU firmware in
# images/rpi-firmware/, where they are copied to the boot partition.
# Board layers later in the chain run afterwards and win.
set -euo pipefail
dest="${BINARIES_DIR:-${1:?images directory}}/rpi-firmware"
mkdir -p "$dest"
for f in config.txt cmdline.txt; do
    install -m 0644 "${SKIFF_CURRENT_CONF_DIR:?}/resources/$f" "$dest/$f"
done
echo "pi: installed config.txt and cmdline.txt from ${SKIFF_CURRENT_CONF_DIR}"
