#!/bin/bash
# Post-image step of virt/wsl: a ".wsl" file is the same gzip tar that
# "wsl --import" accepts; newer WSL installs it with a double-click or
# "wsl --install --from-file". Provide it under that name as well.
set -euo pipefail
images="${BINARIES_DIR:-${1:?images directory}}"
cp -f "$images/rootfs.tar.gz" "$images/skiffos.wsl"
echo "virt/wsl: $images/skiffos.wsl ready (wsl --import SkiffOS <dir> skiffos.wsl)"
