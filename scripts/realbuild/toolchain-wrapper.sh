#!/bin/sh
# Debian's native compiler as a Buildroot external toolchain (scripts/realbuild-prepare.sh fills
# in the two paths): the sysroot comes first, so Buildroot's own wrapper, which passes
# --sysroot=<staging> later on the command line, wins where it runs.
#
# OpenMP is refused: the host gcc finds its own omp.h and libgomp, but the sysroot has no libgomp
# for the target, and the test fragment says BR2_TOOLCHAIN_EXTERNAL_OPENMP is not set, which
# Buildroot checks by compiling with -fopenmp.
for arg in "$@"; do
  if [ "$arg" = "-fopenmp" ]; then
    echo "realbuild toolchain: OpenMP is not provided (no target libgomp)" >&2
    exit 1
  fi
done
exec @REAL@ --sysroot=@SYSROOT@ "$@"
