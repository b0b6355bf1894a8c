#!/bin/sh
# skiff:push, on the device: record the manifest of a boot set that is already active.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B` when every file already matches but
# B/.skiff-set says otherwise (say, the files were copied by hand). The client has written the
# new manifest to B/.skiff-set.tmp; the rename makes the update atomic. No file of the set moves.

cd "$1" && mv -f .skiff-set.tmp .skiff-set && sync
