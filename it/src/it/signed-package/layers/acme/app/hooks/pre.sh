#!/bin/sh
# Buildroot post-build script: $1 is the target directory, the images are not built yet.
if [ -e "$BINARIES_DIR/rootfs.cpio.gz" ]; then images=present; else images=absent; fi
echo "acme/app pre $1 $SKIFF_CURRENT_CONF_DIR images=$images ws=$SKIFF_WORKSPACE" >> "$BINARIES_DIR/../hooks.log"
mkdir -p "$1/etc"
echo "written by the pre hook of acme/app" > "$1/etc/acme-app-pre"
