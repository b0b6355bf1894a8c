#!/usr/bin/env bash
# The main job: build and install the tooling, generate an OS project from the archetype, and
# build it (virt/qemu,skiff/core,acme/app). With network access the project gets SkiffOS as its
# skiffos/ submodule (with SkiffOS's Buildroot fork) and this produces a real image; without, the
# build stops at Buildroot's first download with a clear error.
#
#   scripts/main-job.sh [extra Maven options for generation and build, e.g. -o]
#
# With -o nothing touches the network: the SkiffOS submodule is not cloned (the project is still
# committed, with the commands to add it later), so the project builds with the stock layers, and
# Buildroot may not download. Its Buildroot tree is then $SKIFF_BUILDROOT, else this
# repository's checked-out buildroot/, else ~/.skiff/buildroot/2026.02.3 (which the plugin clones
# when online); with none of them the build stops naming the command that fetches one.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)

# The tooling only: the integration tests take most of a full build and the job does not need them.
./mvnw -B install -DskipTests -Dinvoker.skip=true "$@"

demo=$repo/target/demo
rm -rf "$demo"
mkdir -p "$demo"
# Full plugin coordinates so this works offline too; outputDirectory keeps the new project out
# of this reactor's modules.
./mvnw -B org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate -DinteractiveMode=false \
  -DarchetypeGroupId=dev.skiff -DarchetypeArtifactId=skiff-archetype -DarchetypeVersion="$version" \
  -DgroupId=com.acme -DartifactId=acme-os -Dversion=1.0.0-SNAPSHOT -Dboard=virt/qemu \
  -DoutputDirectory="$demo" "$@"

project=$demo/acme-os
buildroot=()
if [ -n "${SKIFF_BUILDROOT:-}" ]; then
  buildroot=(-Dskiff.buildroot="$SKIFF_BUILDROOT")
elif [ ! -d "$project/skiffos/configs" ] && [ -f "$repo/buildroot/Makefile" ]; then
  # No SkiffOS tree (offline generation): the stock layers, on this repository's pinned tree.
  buildroot=(-Dskiff.buildroot="$repo/buildroot")
fi
(cd "$project" && ./mvnw -B package "${buildroot[@]}" "$@")
