#!/bin/sh
# Skiff, under `mvn -o`: Buildroot may not download anything.
#
# Installed as <workspace>/.skiff/offline-download and passed to make as every download tool
# (BR2_WGET=, BR2_GIT=, BR2_CURL=, ...), so Buildroot calls it wherever it would fetch a source.
# It names the URL it was asked for and fails. BuildrootBuild recognises the "skiff-offline:"
# line and turns it into an error that names the package and the file, and says how to fill the
# download directory. Keep the line's format in step with BuildrootBuild.OFFLINE_LINE.
url=
for a in "$@"; do
	case "$a" in
	*://*) url="$a" ;;
	esac
done
echo "skiff-offline: refusing to download ${url:-$*} (Maven offline mode, -o)" >&2
exit 1
