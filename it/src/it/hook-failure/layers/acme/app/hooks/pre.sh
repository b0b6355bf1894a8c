#!/bin/sh
echo "acme/app pre $1" >> "$BINARIES_DIR/../hooks.log"
