#!/bin/bash
# Post-image hook: runs after Buildroot has made the images, with Buildroot's arguments
# ($1 is the images directory) and environment (BINARIES_DIR, TARGET_DIR, ...) plus the
# SKIFF_* environment; SKIFF_CURRENT_CONF_DIR is this layer's directory.
# It writes images/build-info.txt: what was built, from which layers, at which version.
set -euo pipefail

images="${BINARIES_DIR:-${1:?usage: post.sh <images directory>}}"
conf="${SKIFF_CURRENT_CONF_DIR:-$(cd "$(dirname "$0")/.." && pwd)}"
# The date comes from SOURCE_DATE_EPOCH (project.build.outputTimestamp): reproducible.
built=$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y-%m-%dT%H:%M:%SZ)

{
    echo "layers=${SKIFF_CONFIG:-unknown}"
    echo "version=${SKIFF_VERSION:-unknown}"
    echo "workspace=${SKIFF_WORKSPACE:-unknown}"
    echo "built=${built}"
    # This layer's release file (root_overlay/etc/<vendor>-release), as installed.
    for release in "$conf"/root_overlay/etc/*-release; do
        [ -f "$release" ] || continue
        sed 's/^/release./' "${TARGET_DIR:-$conf/root_overlay}/etc/$(basename "$release")"
    done
} > "$images/build-info.txt"
echo "post.sh: wrote $images/build-info.txt"
