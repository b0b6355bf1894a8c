#!/bin/sh
# Must not run: the post hook of acme/app before it failed.
echo "acme/later post $1" >> "$BINARIES_DIR/../hooks.log"
