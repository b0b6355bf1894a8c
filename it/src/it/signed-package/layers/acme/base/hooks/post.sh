#!/bin/sh
# Buildroot post-image script: $1 is the images directory.
if [ -e "$1/rootfs.cpio.gz" ]; then images=present; else images=absent; fi
echo "acme/base post $1 $SKIFF_CURRENT_CONF_DIR images=$images ws=$SKIFF_WORKSPACE" >> "$BINARIES_DIR/../hooks.log"
