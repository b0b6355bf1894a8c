#!/bin/sh
# SlotDeviceTest: installed as bin/mv and bin/grub-editenv in front of the
# real ones. skiff-slot changes the device only through these two commands
# (a rename over the old file, or one grub-editenv write), so counting them
# numbers every step of an arm or a commit. While $SLOT_CTL/armed holds k, the
# k-th step kills the running skiff-slot (its pid is in $SLOT_CTL/pid) and the
# wrapper's own parent with SIGKILL, either before the step ($SLOT_CTL/when
# says before) or right after it: a crash at that point. A grub-editenv list
# reads only and is not a step.
tool=${0##*/}
real=$(cat "$SLOT_CTL/real-$tool")
if [ -f "$SLOT_CTL/armed" ] && ! { [ "$tool" = grub-editenv ] && [ "${2:-}" = list ]; }; then
    read -r n < "$SLOT_CTL/count"
    read -r k < "$SLOT_CTL/armed"
    read -r when < "$SLOT_CTL/when"
    n=$((n + 1))
    echo "$n" > "$SLOT_CTL/count"
    if [ "$n" -eq "$k" ]; then
        echo "$tool $*" > "$SLOT_CTL/cut"
        if [ "$when" = after ]; then "$real" "$@"; fi
        kill -KILL "$(cat "$SLOT_CTL/pid")" "$PPID"
        exit 137
    fi
fi
exec "$real" "$@"
