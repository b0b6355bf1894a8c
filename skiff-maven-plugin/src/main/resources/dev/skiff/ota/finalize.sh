#!/bin/sh
# skiff:push, on the device: verify the staging set and mark it complete.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B PATH...`, immediately followed (&&) by
# `switch.sh B switch`. $1 = B, the boot directory; then the files to make executable (best
# effort: FAT has no modes). The client has uploaded the new set's manifest as
# B/.skiff-staging/.skiff-set.tmp and the replaced set's as B/.skiff-staging/.skiff-prev.
#
# sha256sum -c checks every staged file against that manifest; on a mismatch the lines that
# failed go to stderr and the exit status is 5 (nothing changed; the next push re-sends them).
# Then the manifest is renamed to .skiff-set, the marker switch.sh requires of a complete set.
# Exit status 4 if the marker cannot be written.

B=$1; shift
cd "$B/.skiff-staging" || exit 3
out=$(sha256sum -c .skiff-set.tmp 2>&1) || { printf '%s\n' "$out" | grep -v ': OK$' >&2; exit 5; }
[ $# -gt 0 ] && chmod 755 "$@" 2>/dev/null
{ sync && mv -f .skiff-set.tmp .skiff-set && sync; } || { echo "cannot mark $B/.skiff-staging complete" >&2; exit 4; }
exit 0
