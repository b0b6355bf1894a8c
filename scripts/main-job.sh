#!/usr/bin/env bash
# The main job: build and install the tooling, generate an OS project from the archetype, and
# build it (virt/qemu,skiff/core,acme/app). With network access this produces a real image;
# without, Buildroot stops at the first download with a clear error.
#
#   scripts/main-job.sh [extra Maven options for generation and build, e.g. -o]
#
# With -o nothing touches the network: the SkiffOS submodule is not cloned (the project is
# still committed, with the command to add it later) and Buildroot may not download.
#
# The Buildroot tree: $SKIFF_BUILDROOT, else this repository's buildroot/ submodule (checked out
# with git if it is empty).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
version=$(sed -n 's|^  <version>\(.*\)</version>|\1|p' pom.xml | head -1)

./mvnw -B install -DskipTests

buildroot=${SKIFF_BUILDROOT:-$repo/buildroot}
if [ ! -f "$buildroot/Makefile" ]; then
  echo "main-job: checking out the Buildroot 2026.02.3 submodule"
  if ! git submodule update --init buildroot; then
    echo "main-job: cannot fetch Buildroot (no network?). Set SKIFF_BUILDROOT=/path/to/buildroot-2026.02.3 and rerun." >&2
    exit 1
  fi
fi

demo=$repo/target/demo
rm -rf "$demo"
mkdir -p "$demo"
# Full plugin coordinates so this works offline too; outputDirectory keeps the new project out
# of this reactor's modules.
./mvnw -B org.apache.maven.plugins:maven-archetype-plugin:3.3.1:generate -DinteractiveMode=false \
  -DarchetypeGroupId=dev.skiff -DarchetypeArtifactId=skiff-archetype -DarchetypeVersion="$version" \
  -DgroupId=com.acme -DartifactId=acme-os -Dversion=1.0.0-SNAPSHOT -Dboard=virt/qemu \
  -DoutputDirectory="$demo" "$@"

./mvnw -B -f "$demo/acme-os/pom.xml" package -Dskiff.buildroot="$buildroot" "$@"
