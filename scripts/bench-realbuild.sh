#!/usr/bin/env bash
# Benchmark of the real build and boot (README "Benchmarks"): runs the realbuild-qemu IT twice on
# one Buildroot output tree that starts empty, and prints, with the machine and the date:
#   - the cold build: the first `mvn package` on the empty tree (Maven's Total time) and
#     Buildroot's own compile time in it;
#   - the rebuild after a one-file layer change: Buildroot's compile time of the IT's second build;
#   - the boot from power-on to the commit line and to the first SSH login (TCG or KVM);
#   - the warm build: the first `mvn package` of the second run, nothing changed.
# It never touches the IT's usual cache of output trees (~/.cache/skiff/realbuild/workspaces): the
# cold tree is a new directory under $TMPDIR, removed at the end (-k keeps it).
#
#   SKIFF_TEST_BUILDROOT=~/.cache/skiff/buildroot-2026.02.3 scripts/bench-realbuild.sh [-k]
set -euo pipefail
cd "$(dirname "$0")/.."

keep=false
[ "${1:-}" = -k ] && keep=true
: "${SKIFF_TEST_BUILDROOT:?set SKIFF_TEST_BUILDROOT to a Buildroot 2026.02.3 tree (.ci/run extracts one into ~/.cache/skiff)}"
cache="${SKIFF_REALBUILD:-$(scripts/realbuild-prepare.sh | tail -n 1)}"
workspaces="$(mktemp -d "${TMPDIR:-/tmp}/skiff-bench-realbuild.XXXXXX")"
$keep || trap 'rm -rf "$workspaces"' EXIT
logs="target/bench-realbuild"
mkdir -p "$logs"

# The IT's output: its first build's log (with verify.groovy's lines) is build.log in its directory.
it_log=it/target/it/realbuild-qemu/build.log
run_it() { # <name>
    echo "bench-realbuild: run $1 (output in $logs/$1.log)" >&2
    SKIFF_REALBUILD="$cache" SKIFF_REALBUILD_WORKSPACES="$workspaces" \
        ./mvnw -B verify -pl it -am -Dinvoker.test=realbuild-qemu -Dtest=none \
        -Dsurefire.failIfNoSpecifiedTests=false >"$logs/$1.log" 2>&1 || {
        echo "bench-realbuild: run $1 failed; tail of $logs/$1.log and $it_log:" >&2
        tail -n 30 "$logs/$1.log" "$it_log" >&2
        exit 1
    }
    cp "$it_log" "$logs/$1-it.log"
}
# first_total <it log>: Maven's Total time of the IT's first build (its build.log has one).
first_total() { sed -n 's/^\[INFO\] Total time: *//p' "$1" | head -n 1; }
# seconds <it log> <what>: the number in verify.groovy's line "realbuild-qemu: <what> ... N s".
seconds() { grep -F "realbuild-qemu: $2" "$1" | head -n 1 | sed -E 's/.* ([0-9]+) s$/\1/'; }

run_it cold
run_it warm

cold="$logs/cold-it.log" warm="$logs/warm-it.log"
cold_compile=$(seconds "$cold" "Buildroot compile of the first build")
one_file=$(seconds "$cold" "Buildroot compile of the second build")
accel=$(sed -nE 's/^realbuild-qemu: (kvm|tcg) boot to SSH.*/\1/p' "$cold" | head -n 1)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)

cat <<EOF
Real build and boot, $(date -u +%Y-%m-%d), $(nproc) CPUs ($cpu), $mem, guest under $accel
| what | time |
|---|---|
| cold: first mvn package on an empty output tree | $(first_total "$cold") |
| cold: Buildroot's compile in it | ${cold_compile} s |
| rebuild after a one-file root_overlay change: Buildroot's compile | ${one_file} s ($((100 * one_file / cold_compile))% of the cold compile; goal under 10%) |
| boot from power-on to the commit line | $(seconds "$cold" "$accel boot to the commit line") s |
| boot from power-on to the first SSH login | $(seconds "$cold" "$accel boot to SSH") s |
| warm: first mvn package, nothing changed | $(first_total "$warm") |
EOF
