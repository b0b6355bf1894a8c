#!/bin/sh
# skiff:status, on a single-set device: the version of the boot set in B. Read-only.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B`. Prints
#   version=<the version in B/skiff-image.json, or none>
#   files=<the number of files B/.skiff-set lists, 0 without one>
# Exit status 3 and a reason on stderr if B is missing.

B=$1
cd "$B" 2>/dev/null || { echo "the boot directory $B does not exist on the device (is the boot partition mounted? -Dskiff.remoteBootDir sets the directory)" >&2; exit 3; }
# skiff:package's manifest names the project's version "project" (in "versions"); a plain "version" wins.
v=$(sed -n 's/.*"version"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' skiff-image.json 2>/dev/null | head -n 1)
[ -n "$v" ] || v=$(sed -n 's/.*"project"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' skiff-image.json 2>/dev/null | head -n 1)
echo "version=${v:-none}"
n=0
[ -f .skiff-set ] && n=$(grep -c . .skiff-set)
echo "files=$n"
exit 0
