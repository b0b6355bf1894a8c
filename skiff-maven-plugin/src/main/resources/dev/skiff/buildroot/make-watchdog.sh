#!/bin/sh
# Skiff: runs Buildroot's make for a Maven JVM, and makes sure the build does not outlive it.
#
# Usage: setsid /bin/sh make-watchdog.sh JVM_PID COMMAND [ARGUMENT...]
#
# Why: Java cannot ask the kernel to signal a child when its parent dies (Linux's
# PR_SET_PDEATHSIG), and a JVM killed with SIGKILL runs no shutdown hook. Without this script an
# orphaned make went on building after `kill -9` of Maven, and the next build in the same
# workspace started a second make beside it. Started under setsid, this shell leads a process
# group of its own, which holds make and everything make starts (including processes whose
# parent died and that were re-parented), so one signal to the group reaches all of them.
#
# The shell runs COMMAND in the background and waits for it. A watcher, started alongside, checks
# once a second that this shell's parent is still JVM_PID: when the JVM dies, however it died,
# the kernel re-parents this shell, so a reused pid cannot fool the check. When the parent
# changes, when this shell disappears, or when this shell gets SIGTERM, SIGINT or SIGHUP (Skiff
# stopping the build), the whole group gets SIGTERM, and SIGKILL 2 seconds later.
#
# The watchdog prints nothing once the build runs: after the JVM is gone its output pipe has no
# reader, and a write would end it with SIGPIPE before it stopped the group.
#
# Exit status: COMMAND's; 126 if not started as a process group leader whose parent is JVM_PID
# (then it would signal a group that is not its own), or without a readable /proc.

set -u
jvm=${1:?usage: make-watchdog.sh JVM_PID COMMAND [ARGUMENT...]}
shift
self=$$
child=

# read_stat PID: sets ppid and pgrp from /proc/PID/stat; false if PID is gone.
read_stat() {
	stat=
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	# "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so cut after the last ')'.
	stat=${stat##*) }
	stat=${stat#* }
	ppid=${stat%% *}
	stat=${stat#* }
	pgrp=${stat%% *}
}

# True while this shell is alive and its parent is still the JVM.
jvm_alive() {
	read_stat "$self" && [ "$ppid" = "$jvm" ]
}

# SIGTERM to the group, SIGKILL to what is left after 2 seconds (make removes half-written
# targets on SIGTERM). Ends the calling process too: it is in the group.
stop_group() {
	trap '' TERM INT HUP
	kill -TERM 0 2>/dev/null
	i=0
	while [ "$i" -lt 20 ] && [ -n "$child" ] && kill -0 "$child" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL 0 2>/dev/null
	exit 143
}

if ! read_stat "$self"; then
	echo "make-watchdog.sh: cannot read /proc/$self/stat; Skiff runs Buildroot on Linux only" >&2
	exit 126
fi
if [ "$pgrp" != "$self" ] || [ "$ppid" != "$jvm" ]; then
	echo "make-watchdog.sh: must be started by the JVM $jvm under setsid (parent $ppid, process group $pgrp)" >&2
	exit 126
fi

# The shell exports PWD on its own; make's environment is exactly the one Skiff gave.
unset PWD
"$@" &
child=$!

# The watcher does not hold the output pipe, so make's end is Java's end of output.
(
	while jvm_alive; do
		sleep 1
	done
	stop_group
) </dev/null >/dev/null 2>&1 &

trap stop_group TERM INT HUP

wait "$child"
status=$?

# make is done. Anything it left running in the group (a stray background job) would keep the
# workspace busy and hold Java's output pipe open; it goes now, with the watcher.
trap '' TERM INT HUP
kill -TERM 0 2>/dev/null
exit "$status"
