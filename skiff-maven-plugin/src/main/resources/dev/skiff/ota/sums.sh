#!/bin/sh
# skiff:push, on the device: the sums of a set's files in another directory. Read-only.
#
# Run by BootSetPush as `sh -c '<this file>' skiff D PATH...` before an A/B push: D is the
# running slot's directory, the PATHs those of the set about to be pushed into the other slot.
# Files whose sum matches are then copied on the device (stage.sh's s/ form), not sent, so an
# A/B push sends only what changed since the running set.
#
# Prints `sha256sum` lines for the PATHs that exist in D, then @end. A missing D prints only
# @end: then every file is sent. D may be mounted read-only; nothing is written.

D=$1; shift
# Set paths never hold blanks or glob characters (PushFile checks them).
set -f
if cd "$D" 2>/dev/null; then
  for f in "$@"; do
    [ -f "$f" ] && sha256sum "$f"
  done
fi
echo @end
exit 0
