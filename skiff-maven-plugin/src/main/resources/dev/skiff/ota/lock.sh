#!/bin/sh
# skiff:push, on the device: the lock one push holds on the boot directory B from its first look
# at B to its switch-over (an A/B push: to the arming of the slot), so that two pushes to one
# device cannot interleave their staging and switch-overs.
#
# Run as `sh -c '<this file>' skiff B ACTION ID [OWNER]`. The lock is the directory B/.skiff-lock
# (mkdir is atomic on every file system, FAT included); its file `owner` holds one line,
# "ID BOOT-ID SERVER SINCE OWNER": SERVER is the process of the SSH server serving the push's
# connection (the nearest sshd or dropbear above this shell), which lives exactly as long as
# that connection; SINCE is in seconds since the epoch.
#   take     take the lock for ID. Held by another push: exit 6, the holder on stderr. Unless the
#            lock is stale: taken before the device last booted (a power cut or a reboot ended
#            that push), or its connection is gone (a dropped link, a killed client: the retry
#            must not wait), or, when no SSH server process was found, older than an hour. A
#            stale lock is taken over and stderr says so.
#   check    exit 6 unless ID holds the lock: chained before the switch-over, so a push whose lock
#            was taken over stops before it changes anything.
#   release  remove the lock if ID holds it
# A boot directory that does not exist is not locked (exit 0, "@nodir"): the push's first look
# at it fails with the reason.
B=$1; A=$2; ID=$3; OWNER=${4:-}
L=$B/.skiff-lock
STALE=3600
if [ ! -d "$B" ]; then echo "@nodir"; exit 0; fi
boot=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
now=$(date +%s)
server=0
p=$$
while [ -n "$p" ] && [ "$p" -gt 1 ]; do
  comm=$(cat "/proc/$p/comm" 2>/dev/null) || break
  case $comm in sshd*|dropbear*) server=$p; break ;; esac
  p=$(sed -n 's/^PPid:[[:space:]]*//p' "/proc/$p/status" 2>/dev/null)
done
holder() {
  hid='' hboot='' hserver=0 hsince=0 hwho=''
  if [ -f "$L/owner" ]; then read -r hid hboot hserver hsince hwho < "$L/owner"; fi
}
write() {
  printf '%s %s %s %s %s\n' "$ID" "$boot" "$server" "$now" "$OWNER" > "$L/owner.tmp" && mv -f "$L/owner.tmp" "$L/owner"
}
alive() { # PID: a running SSH server process
  [ "$1" -gt 0 ] 2>/dev/null && kill -0 "$1" 2>/dev/null || return 1
  case $(cat "/proc/$1/comm" 2>/dev/null) in sshd*|dropbear*) return 0 ;; esac
  return 1
}
case "$A" in
  take)
    tries=0
    while :; do
      if mkdir "$L" 2>/dev/null; then write || { echo "cannot write $L/owner" >&2; exit 4; }; exit 0; fi
      holder
      if [ ! -f "$L/owner" ]; then
        # Another take between its mkdir and its write: give it a moment.
        sleep 1
        holder
      fi
      # Released meanwhile: take it.
      tries=$((tries + 1))
      if [ ! -d "$L" ] && [ "$tries" -lt 10 ]; then continue; fi
      break
    done
    stale=
    if [ ! -f "$L/owner" ]; then stale="it names no holder"
    elif [ "$hboot" != "$boot" ]; then stale="taken before the device last booted"
    elif [ "$hserver" -gt 0 ] 2>/dev/null; then alive "$hserver" || stale="its connection is gone"
    elif [ $((now - hsince)) -gt "$STALE" ]; then stale="taken $((now - hsince)) s ago"
    fi
    if [ -z "$stale" ]; then
      echo "another push holds $B: ${hwho:-unknown}, for $((now - hsince)) s (lock $L). Wait for it to end; if no push is running, remove $L on the device." >&2
      exit 6
    fi
    # Renamed away first: of two pushes taking over at once, only one rename succeeds.
    mv "$L" "$L.stale.$$" 2>/dev/null || { echo "another push took over the stale lock $L first" >&2; exit 6; }
    rm -rf "$L.stale.$$"
    mkdir "$L" 2>/dev/null || { echo "another push took the lock $L first" >&2; exit 6; }
    write || { echo "cannot write $L/owner" >&2; exit 4; }
    echo "took over the stale lock of ${hwho:-an unknown push} on $B ($stale)" >&2
    ;;
  check)
    holder
    [ "$hid" = "$ID" ] || { echo "this push no longer holds $B (lock $L: ${hwho:-none}); nothing was switched" >&2; exit 6; }
    ;;
  release)
    holder
    if [ "$hid" = "$ID" ]; then rm -rf "$L"; fi
    ;;
  *) echo "lock.sh: unknown action $A" >&2; exit 2 ;;
esac
exit 0
