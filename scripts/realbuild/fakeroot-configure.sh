#!/bin/sh
# A stand-in for fakeroot's configure (scripts/realbuild-prepare.sh): writes a Makefile whose
# install links Debian's installed fakeroot and faked into --prefix, the host directory.
# Buildroot builds host-fakeroot as an autotools package; Debian serves no tarball to build.
set -eu
prefix=/usr/local
for arg in "$@"; do
  case "$arg" in
    --prefix=*) prefix="${arg#--prefix=}" ;;
  esac
done
faked=$(command -v faked-sysv || command -v faked)
{
  printf 'all:\n\t@true\n'
  printf 'install:\n'
  printf '\tmkdir -p %s/bin\n' "$prefix"
  printf '\tln -sf %s %s/bin/fakeroot\n' "$(command -v fakeroot)" "$prefix"
  printf '\tln -sf %s %s/bin/faked\n' "$faked" "$prefix"
} > Makefile
