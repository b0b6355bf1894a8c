#!/bin/sh
# skiff:push, on the device: read the boot set. Read-only.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B PATH...` right after `switch.sh B recover`.
# $1 = B, the boot directory; then the paths of the set about to be pushed.
# See switch.sh for the layout of B and the manifest format.
#
# Prints sections, each opened by a line starting with @, which BootSetPush parses:
#   @manifest   B/.skiff-set, the manifest of the active set (if any)
#   @active     sha256sum of each file at a new or recorded path that exists in B
#   @staged     sha256sum of each new path already in B/.skiff-staging/ (a cut-off push)
#   @df         the last line of `df -Pk B` (free space, in KiB, is its 4th field)
#   @backup     `du -sk B/.skiff-backup` (if any), the room removing the backup would free
#   @end        the answer is complete
# Exit status 3 and a reason on stderr if B is missing or read-only, or sha256sum is missing.

B=$1; shift
cd "$B" 2>/dev/null || { echo "the boot directory $B does not exist on the device (is the boot partition mounted? -Dskiff.remoteBootDir sets the directory)" >&2; exit 3; }
[ -w . ] || { echo "$B is not writable (mounted read-only? mount -o remount,rw $B)" >&2; exit 3; }
command -v sha256sum >/dev/null 2>&1 || { echo "the device has no sha256sum command" >&2; exit 3; }
# Boot set paths never hold blanks or glob characters (PushFile checks them); -f makes sure
# an unquoted path list only splits, never globs.
set -f

echo @manifest
[ -f .skiff-set ] && cat .skiff-set

echo @active
# The new paths and the recorded ones, each once: the files the switch-over would replace.
for f in $( { for a in "$@"; do echo "$a"; done; [ -f .skiff-set ] && cut -c67- .skiff-set; } | sort -u ); do
  [ -f "$f" ] && sha256sum "$f"
done

echo @staged
if [ -d .skiff-staging ]; then
  ( cd .skiff-staging && for f in "$@"; do [ -f "$f" ] && sha256sum "$f"; done )
fi

echo @df
df -Pk . 2>/dev/null | tail -n 1

echo @backup
[ -d .skiff-backup ] && du -sk .skiff-backup 2>/dev/null

echo @end
exit 0
