#!/bin/sh
# skiff:push, skiff:status, on the device: run the device's own A/B tool, skiff-slot, if it has one.
#
# Run by SlotDevice as `sh -c '<this file>' skiff SUBCOMMAND [SLOT]` (status, arm a|b, rollback,
# reboot-trial). skiff-slot is shipped by the base layer's root_overlay at
# /usr/lib/skiff/skiff-slot; $SKIFF_ROOT (empty on a device, a fake root in tests) prefixes every
# path, as it does in skiff-slot itself.
#
# Prints, before anything skiff-slot prints:
#   @root=<SKIFF_ROOT>     the prefix, so the client can reach the slot directories over SFTP
#   @boot-id=<id>          the kernel's boot id: a new one means the device has rebooted
#   @no-slots              (instead of running skiff-slot) the device has no skiff-slot: a
#                          single-set device; exit status 0
# Then runs `sh skiff-slot SUBCOMMAND [SLOT]` with its own output and exit status. It runs through
# sh, so a lost executable bit (a layer copied through FAT, say) does not matter.

R=${SKIFF_ROOT:-}
T=$R/usr/lib/skiff/skiff-slot
echo "@root=$R"
echo "@boot-id=$(cat "$R/proc/sys/kernel/random/boot_id" 2>/dev/null)"
if [ ! -f "$T" ]; then
  echo "@no-slots"
  exit 0
fi
exec sh "$T" "$@"
