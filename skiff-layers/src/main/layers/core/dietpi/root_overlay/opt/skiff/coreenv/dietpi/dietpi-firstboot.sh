#!/bin/bash
# Converts this Debian container to DietPi, once. The marker lives in
# /boot, which the skiff-core config keeps on the persist partition.
set -euo pipefail
marker=/boot/.skiff-dietpi-installed
[ -e "$marker" ] && exit 0

export GITOWNER=MichaIng GITBRANCH=master
# The installer rejects creator names containing "diet".
export IMAGE_CREATOR='SkiffOS' PREIMAGE_INFO='Debian bookworm container'
# Generic "virtual machine" hardware model (id 20), no WiFi, stay on
# bookworm (distro id 7).
export HW_MODEL=20 WIFI_REQUIRED=0 DISTRO_TARGET=7

# Kept out of /tmp: the installer mounts a fresh tmpfs there.
installer=$(mktemp -p /root dietpi-installer.XXXXXX)
curl -fsSL -o "$installer" \
    "https://raw.githubusercontent.com/$GITOWNER/DietPi/$GITBRANCH/.build/images/dietpi-installer"
bash "$installer"
rm -f "$installer"
touch "$marker"
