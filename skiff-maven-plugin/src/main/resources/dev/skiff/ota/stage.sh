#!/bin/sh
# skiff:push, on the device: prepare the staging set B/.skiff-staging/ for the uploads.
#
# Run by BootSetPush as `sh -c '<this file>' skiff B ARG...`. $1 = B, the boot directory; then
# for each file of the new set that is not already staged:
#   c/<path>   unchanged: copy the active B/<path> into the staging set
#   u/<path>   changed: only make its directory; the client uploads it over SFTP next
#   from=<dir> the directory the s/ entries after it copy from (an A/B push: the running slot)
#   s/<path>   unchanged since the running set: copy <dir>/<path> into the staging set
# It first removes the completion marker (.skiff-staging/.skiff-set) and the other manifests,
# so a staging set only counts as complete once finalize.sh has verified it again. Files a
# cut-off push staged are left in place; the client already skips the ones whose sum matched.
# Exit status 4 and a reason on stderr if the staging set cannot be written.

B=$1; shift
cd "$B" || exit 3
{ mkdir -p .skiff-staging && rm -f .skiff-staging/.skiff-set .skiff-staging/.skiff-set.tmp .skiff-staging/.skiff-prev .skiff-staging/.skiff-rollback; } \
  || { echo "cannot create $B/.skiff-staging" >&2; exit 4; }
SEED=
for a in "$@"; do
  case "$a" in
    from=*) SEED=${a#from=}; continue ;;
  esac
  f=${a#?/}
  mkdir -p ".skiff-staging/$(dirname "$f")" || { echo "cannot create the directory for $f in the staging set" >&2; exit 4; }
  case "$a" in
    c/*) cp "$f" ".skiff-staging/$f" || { echo "cannot copy $f into the staging set" >&2; exit 4; } ;;
    s/*) cp "$SEED/$f" ".skiff-staging/$f" || { echo "cannot copy $SEED/$f into the staging set" >&2; exit 4; } ;;
  esac
done
exit 0
