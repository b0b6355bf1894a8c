#!/bin/sh
# skiff:push, on the device: the journaled switch-over, the rollback, and crash recovery.
#
# Run by BootSetPush as one `sh -c '<this file>' skiff B MODE`. The shell holds the whole text
# in memory before it starts and ignores SIGHUP and SIGPIPE, so a dropped connection, Ctrl-C in
# Maven or a client crash cannot stop it part way: it finishes on its own (printing into a
# closed pipe fails quietly). Only a device crash or power loss can stop it, and the journal
# makes that recoverable. It takes milliseconds: renames only, no data is copied.
#
# Arguments: $1 = B, the boot directory (for example /mnt/boot); $2 = MODE, one of
#   recover   if a journal is present, complete that switch-over and print @recovered;
#             else do nothing. Every push runs this first.
#   switch    make the complete, verified staging set the active set and the active set the
#             backup; print @switched.
#   rollback  complete a pending journal first (printing @recovered), then make the backup the
#             active set and the active set the backup; print "@rolledback <files>".
# Exit status: 0 done; 3 B does not exist; 4 failed, with the reason on stderr; 6 nothing to
# roll back to (no backup, or an empty one), with the reason on stderr and nothing changed.
#
# State in B. Everything lives in B itself so that each mv is a rename within one file system
# (B is usually a FAT mount point: it cannot be renamed and cannot hold symlinks):
#   <files>                  the active set, at the paths the bootloader reads
#   .skiff-set               the active set's manifest
#   .skiff-staging/          the next set while it is built; complete once it holds .skiff-set
#                            (finalize.sh writes that after sha256sum -c), with .skiff-prev:
#                            the manifest of what the backup will hold (the replaced set)
#   .skiff-staging/.skiff-rollback       marker: the staging set is the backup, moved there by
#                            a rollback that was cut short before its journal was committed
#   .skiff-backup/           the set the last switch-over replaced, with its own .skiff-set
#   .skiff-backup/.skiff-from-rollback   marker: the last switch-over was a rollback
#   .skiff-switch            THE JOURNAL: present only while a switch-over is in progress
#   .skiff-switch.tmp        the journal being written; ignored until renamed
#
# Manifest and journal format: sha256sum's own, so `sha256sum -c` checks a set directly.
#   <sha256, 64 lowercase hex digits><two spaces><path relative to B><newline>
# one line per file, sorted by path; an empty file is the empty set (the backup after the first
# push to B). The path starts at column 67, hence `cut -c67-`. Paths hold only letters, digits,
# . _ + @ = , ~ - and / (PushFile refuses others), so a list of them splits on blanks exactly,
# and `set -f` keeps them from globbing. The journal is a copy of the new set's manifest.
#
# A switch-over is `begin` then `finish`:
#   begin   1. empty .skiff-backup/ and give it .skiff-staging/.skiff-prev as its manifest
#           2. write the journal to .skiff-switch.tmp, sync, rename it to .skiff-switch: the
#              commit point. From here the switch only goes forward.
#   finish  3. move each file of the replaced set that the new set overwrites or drops into
#              .skiff-backup/ (files of the old set that the new set does not stage stay)
#           4. move each staged file into place
#           5. remove the directories the replaced set leaves empty, and .skiff-staging/
#           6. sync, rename the journal to .skiff-set (the switch is complete), sync
# Recovery rule: a crash before step 2 leaves the old set active and whole (the verified staging
# set is reused by the next push; the old backup may be gone). After step 2, every later skiff
# operation runs `finish` first. Each of its moves is skipped when already done, so re-running
# it from any point yields exactly the new set, with the replaced one as the backup.
# SwitchScriptCrashTest and SwitchOverCutTest cut this script before every file system command.

B=$1; MODE=$2; RECOVERED=
S=.skiff-staging; P=.skiff-backup; J=.skiff-switch; M=.skiff-set
trap '' HUP PIPE
set -f
cd "$B" 2>/dev/null || { echo "the boot directory $B does not exist on the device (is the boot partition mounted? -Dskiff.remoteBootDir sets the directory)" >&2; exit 3; }

fail() { echo "$*" >&2; exit 4; }
# nothing REASON: refuse a rollback that has nothing to go back to.
nothing() {
  if [ -n "$RECOVERED" ]; then
    echo "$* The interrupted switch-over in $B was completed; nothing else was changed." >&2
  else
    echo "$* Nothing was changed." >&2
  fi
  exit 6
}
# paths MANIFEST: the paths it lists, one a line (see the format above).
paths() { cut -c67- "$1"; }
# innew PATH: true if the new set (the journal) has PATH.
innew() { paths "$J" | grep -qxF "$1"; }

finish() {
  if [ -f "$P/$M" ]; then
    for f in $(paths "$P/$M"); do
      # A file the new set overwrites or drops goes to the backup, unless it is there already
      # (moved before a crash), or its new version was moved into place already.
      if [ -e "$f" ] && [ ! -e "$P/$f" ] && { ! innew "$f" || [ -e "$S/$f" ]; }; then
        { mkdir -p "$P/$(dirname "$f")" && mv -f "$f" "$P/$f"; } || fail "cannot move $B/$f into the backup $B/$P"
      fi
    done
  fi
  for f in $(paths "$J"); do
    if [ -e "$S/$f" ]; then
      { mkdir -p "$(dirname "$f")" && mv -f "$S/$f" "$f"; } || fail "cannot move $B/$S/$f to $B/$f"
    fi
  done
  if [ -f "$P/$M" ]; then
    for f in $(paths "$P/$M"); do
      innew "$f" || rmdir -p "$(dirname "$f")" 2>/dev/null
    done
  fi
  rm -rf "$S"
  sync
  mv -f "$J" "$M" || fail "cannot complete the switch-over journal $B/$J"
  sync
}

# begin [rollback]: steps 1 and 2 above; the staging set must be complete.
begin() {
  { [ -f "$S/$M" ] && [ -f "$S/.skiff-prev" ]; } || fail "the staging set in $B/$S is incomplete"
  { rm -rf "$P" && mkdir "$P" && cp "$S/.skiff-prev" "$P/$M"; } || fail "cannot prepare the backup directory $B/$P"
  if [ "$1" = rollback ]; then : > "$P/.skiff-from-rollback" || fail "cannot write $B/$P/.skiff-from-rollback"; fi
  { cp "$S/$M" "$J.tmp" && sync && mv -f "$J.tmp" "$J" && sync; } || fail "cannot write the switch-over journal $B/$J"
}

# checkset DIR: sha256sum -c of the set in DIR against DIR/.skiff-set; the failures on stderr.
checkset() {
  out=$(cd "$1" && sha256sum -c "$M" 2>&1) || { printf '%s\n' "$out" | grep -v ': OK$' >&2; fail "the backup set in $B/$1 is damaged (see above); not rolling back"; }
}

case "$MODE" in
  recover)
    if [ -f "$J" ]; then finish; echo @recovered; fi
    ;;
  switch)
    [ -f "$J" ] && fail "an interrupted switch-over is pending in $B ($J)"
    begin
    finish
    echo @switched
    ;;
  rollback)
    if [ -f "$J" ]; then
      finish; echo @recovered; RECOVERED=1
      # The cut-short operation was itself a rollback: it is complete now.
      if [ -f "$P/.skiff-from-rollback" ]; then echo "@rolledback $(grep -c . "$M")"; exit 0; fi
    fi
    if [ -f "$S/.skiff-rollback" ] && [ -f "$S/$M" ]; then
      # A rollback cut short after moving the backup into place (before its journal): resume it.
      checkset "$S"
    elif [ -f "$P/$M" ]; then
      # The first push to B replaced nothing, so its backup is the empty set. Rolling back to
      # it would empty the boot directory: refuse before changing anything.
      grep -q . "$P/$M" || nothing "the backup in $B/$P is empty: the push that installed the active set was the first to $B and replaced no files."
      checkset "$P"
      [ -f "$M" ] || fail "the active set in $B has no manifest ($M), so it cannot be kept as the backup"
      { : > "$P/.skiff-rollback" && rm -rf "$S" && mv "$P" "$S"; } || fail "cannot move the backup set into place for switching"
    else
      nothing "there is no backup set in $B/$P (a push that changes the device keeps the set it replaces there)."
    fi
    # What the backup will hold: the files of the active set that exist.
    : > "$S/.skiff-prev" || fail "cannot write $B/$S/.skiff-prev"
    while IFS= read -r line; do
      f=$(printf '%s\n' "$line" | cut -c67-)
      [ -n "$f" ] && [ -f "$f" ] && printf '%s\n' "$line" >> "$S/.skiff-prev"
    done < "$M"
    begin rollback
    finish
    echo "@rolledback $(grep -c . "$M")"
    ;;
  *) fail "unknown mode $MODE" ;;
esac
exit 0
