#!/bin/bash
# Skiff's hook runner, installed in a workspace's final config directory as pre_build.sh
# (Buildroot's post-build script: the target directory is ready, images are not built yet) and
# post_build.sh (Buildroot's post-image script: the images are ready), as SkiffOS names them.
#
# Like SkiffOS's runners it loads the workspace environment, changes to the workspace (Buildroot's
# output directory) and runs each layer's hooks/pre.sh or hooks/post.sh in chain order, with
# SKIFF_CURRENT_CONF_DIR set to the layer's directory. Beyond SkiffOS: a hook also gets
# Buildroot's arguments (the target or images directory first), a hook without the executable
# bit is run with bash, and the first failing hook stops the build with its name and status.
#
# The hooks to run are listed, one per line as "origin<TAB>layer dir<TAB>script", in
# <name>.hooks beside this script (pre_build.hooks or post_build.hooks).
set -eo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=$(basename "${BASH_SOURCE[0]}" .sh)
# shellcheck source=/dev/null
source "$here/skiff-env.sh"
cd "${BUILDROOT_DIR:?skiff-env.sh sets BUILDROOT_DIR}"

# The list is read on descriptor 3 so that a hook reading its standard input cannot eat it.
while IFS=$'\t' read -r -u 3 origin dir script; do
  [ -n "$script" ] || continue
  echo "skiff: running hook $script ($origin)"
  status=0
  if [ -x "$script" ]; then
    SKIFF_CURRENT_CONF_DIR="$dir" "$script" "$@" || status=$?
  else
    SKIFF_CURRENT_CONF_DIR="$dir" bash "$script" "$@" || status=$?
  fi
  if [ "$status" -ne 0 ]; then
    echo "skiff: hook $script of $origin failed with status $status" >&2
    exit "$status"
  fi
done 3< "$here/$name.hooks"
