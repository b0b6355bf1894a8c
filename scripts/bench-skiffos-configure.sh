#!/usr/bin/env bash
# Benchmark: a fresh configure of a SkiffOS chain as a user runs it, the whole `mvn` call
# (JVM, Maven, layer merge, Buildroot's make defconfig, the symbol check), against SkiffOS's own
# `make configure` on the same SkiffOS tree and Buildroot, in the same run. "Fresh" means an empty
# workspace on both sides (Buildroot's kconfig tools included).
#
#   scripts/bench-skiffos-configure.sh <skiffos bundle or URL> <buildroot tree> [runs] [chain]
#
# Needs the tooling installed (./mvnw install -DskipTests -Dinvoker.skip=true) and runs offline.
# Prints each run and the medians; the README's Benchmarks section holds the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
source=${1:?SkiffOS bundle or URL}
buildroot=${2:?Buildroot tree (2026.08-rc1 for current SkiffOS)}
runs=${3:-5}
chain=${4:-pi/4,skiff/core}
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git clone -q "$source" "$work/project/skiffos"
rmdir "$work/project/skiffos/buildroot" 2>/dev/null || true
ln -s "$(cd "$buildroot" && pwd)" "$work/project/skiffos/buildroot"
cat > "$work/project/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>bench-os</artifactId><version>1.0</version>
  <packaging>skiff</packaging>
  <build><plugins><plugin>
    <groupId>dev.skiff</groupId><artifactId>skiff-maven-plugin</artifactId><version>$version</version>
    <extensions>true</extensions>
  </plugin></plugins></build>
</project>
EOF

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
ours=()
theirs=()
for i in $(seq 1 "$runs"); do
  rm -rf "$work/project/workspaces" "$work/project/skiffos/workspaces/bench" "$work/project/skiffos/workspaces/.config_bench"
  t0=$(now)
  (cd "$work/project" && "$repo/mvnw" -o -q -B skiff:configure -Dskiff.config="$chain" -Dskiff.workspace=bench \
      -Dskiff.home="$work/home" >"$work/ours.log" 2>&1) || { cat "$work/ours.log"; exit 1; }
  t1=$(now)
  (cd "$work/project/skiffos" && env -i PATH="$PATH" HOME="$HOME" TERM=xterm SKIFF_CONFIG="$chain" \
      SKIFF_WORKSPACE=bench make configure >"$work/theirs.log" 2>&1) || { tail -40 "$work/theirs.log"; exit 1; }
  t2=$(now)
  ours+=("$(echo "$t1 - $t0" | bc)")
  theirs+=("$(echo "$t2 - $t1" | bc)")
  printf 'run %d: mvn skiff:configure %.2f s, SkiffOS make configure %.2f s\n' "$i" "${ours[-1]}" "${theirs[-1]}"
done
mo=$(printf '%s\n' "${ours[@]}" | median)
mt=$(printf '%s\n' "${theirs[@]}" | median)
printf 'chain %s, %d runs: median mvn skiff:configure %.2f s, SkiffOS make configure %.2f s, ratio %.2f\n' \
  "$chain" "$runs" "$mo" "$mt" "$(echo "$mo / $mt" | bc -l)"
