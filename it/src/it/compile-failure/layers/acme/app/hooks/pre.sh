#!/bin/sh
# Must never run: the build fails before the target directory is finalized.
touch "$BINARIES_DIR/../pre-hook-ran"
