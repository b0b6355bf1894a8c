#!/bin/sh
# skiff:push, on the device: remove the backup set to make room for a staging set.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B` only when the boot partition cannot hold
# the active, the backup and the staging set at once. The active set is not touched.

cd "$1" && rm -rf .skiff-backup && sync
