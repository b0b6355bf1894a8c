#!/usr/bin/env bash
# Prepares what a real, offline Buildroot build of the test board test/qemu-x86_64 needs, into a
# cache directory (default ~/.cache/skiff/realbuild), and prints the directory on its last line.
#
# This is test infrastructure, not the product: users with network build from Buildroot's own
# pinned sources. CI machines reach Debian's archive but not the upstream download sites, so the
# real-build tests take everything from Debian:
#   sources/<pkg>/   Debian source packages (apt-get source), handed to Buildroot with
#                    <PKG>_OVERRIDE_SRCDIR in local.mk: nothing is downloaded, no hash checked;
#   fakeroot/        a stand-in "source" whose install links Debian's installed fakeroot into
#                    the host directory (Debian serves no fakeroot tarball to build from);
#   empty-package/   an autotools package that installs nothing, for host-attr and host-acl,
#                    which only host-fakeroot needs;
#   toolchain/       Debian's native gcc 12 laid out as a Buildroot external toolchain: wrappers
#                    that add --sysroot, binutils linked from /usr/bin, and a sysroot unpacked
#                    from Debian's glibc, kernel headers and libgcc packages;
#   linux-source-6.1.tar.xz  the kernel, from Debian's linux-source-6.1;
#   grub/bootx64.efi GRUB as an EFI application, made with Debian's grub-mkimage;
#   local.mk         the override file (skiff.overrideFile).
# Idempotent: each part is made once, into a .partial directory moved into place, so a second
# run (or a run after a killed one) reuses what is complete. Needs root or sudo for apt.
set -euo pipefail

cache="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/skiff/realbuild}"
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
log() { echo "realbuild-prepare: $*" >&2; }

# Debian packages on the host: the compiler and binutils the toolchain wraps, the tools that
# unpack and patch source packages, autotools for kmod and patchelf, QEMU, OVMF and GRUB for the
# boot tests, and the kernel source. texinfo and help2man: Debian's patches leave some manuals
# older than their sources, and make rebuilds them. libelf-dev: the x86_64 kernel always builds
# objtool, a host tool that needs libelf (in place of Buildroot's host-elfutils).
host_packages=(gcc binutils dpkg-dev autoconf automake libtool pkgconf fakeroot bison flex texinfo help2man libelf-dev
               bc cpio rsync xz-utils qemu-system-x86 ovmf grub-efi-amd64-bin grub-common
               linux-source-6.1)
missing=()
for p in "${host_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# deb-src beside the machine's own deb entry, so apt-get source works.
src_list=/etc/apt/sources.list.d/skiff-realbuild-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  log "adding deb-src entries as $src_list"
  deb_entries=$(grep -ls '^Types: *deb$' /etc/apt/sources.list.d/*.sources | head -n 1 || true)
  if [ -z "$deb_entries" ]; then
    log "no deb822 .sources file under /etc/apt/sources.list.d to take the deb-src entry from"
    exit 1
  fi
  sed 's/^Types: *deb$/Types: deb-src/' "$deb_entries" | $sudo_cmd tee "$src_list" >/dev/null
  $sudo_cmd apt-get update -qq
fi

# Debian source packages, each unpacked as sources/<name>.
mkdir -p "$cache/sources"
# Each Buildroot package of the test build, as <Buildroot variable prefix>:<Debian source name>
# (what `make show-info` lists for the test/qemu chain, but for the packages Buildroot carries
# in its tree, the kernel and the toolchain).
packages=(BUSYBOX:busybox DROPBEAR:dropbear LIBXCRYPT:libxcrypt HOST_TAR:tar HOST_PKGCONF:pkgconf
          HOST_KMOD:kmod HOST_PATCHELF:patchelf HOST_CPIO:cpio
          HOST_AUTOCONF:autoconf HOST_AUTOMAKE:automake-1.16 HOST_LIBTOOL:libtool HOST_M4:m4)
for entry in "${packages[@]}"; do
  pkg="${entry#*:}"
  [ -f "$cache/sources/$pkg/.complete" ] && continue
  log "fetching the Debian source of $pkg"
  work="$cache/sources/$pkg.partial"
  rm -rf "$work" "$cache/sources/$pkg" && mkdir -p "$work"
  (cd "$work" && apt-get source -qq --download-only "$pkg" >/dev/null)
  dsc=$(find "$work" -maxdepth 1 -name '*.dsc' | head -n 1)
  (cd "$work" && dpkg-source --no-check -x "$dsc" tree >/dev/null)
  # Some Debian trees are git snapshots with no generated configure, where Buildroot's own
  # tarballs have one: generate it. kmod's autogen.sh stands in an empty gtk-doc.make when
  # gtk-doc is missing; so does this.
  if [ ! -x "$work/tree/configure" ] && [ -f "$work/tree/configure.ac" ]; then
    [ "$pkg" = kmod ] && touch "$work/tree/libkmod/docs/gtk-doc.make"
    if ! (cd "$work/tree" && autoreconf -fi) > "$work/autoreconf.log" 2>&1; then
      tail -n 20 "$work/autoreconf.log" >&2
      log "autoreconf failed in the Debian source of $pkg (log: $work/autoreconf.log)"
      exit 1
    fi
  fi
  mv "$work/tree" "$cache/sources/$pkg"
  touch "$cache/sources/$pkg/.complete"
  rm -rf "$work"
done

# host-fakeroot: a stand-in tree whose configure/make/install put a link to /usr/bin/fakeroot
# (and faked) into the host directory. Buildroot runs it as an autotools package.
if [ ! -f "$cache/fakeroot/.complete" ]; then
  rm -rf "$cache/fakeroot" && mkdir -p "$cache/fakeroot"
  cp "$(dirname "$0")/realbuild/fakeroot-configure.sh" "$cache/fakeroot/configure"
  chmod +x "$cache/fakeroot/configure"
  touch "$cache/fakeroot/.complete"
fi

# host-attr and host-acl: an empty autotools package (scripts/realbuild/empty-package), see there.
if [ ! -f "$cache/empty-package/.complete" ]; then
  rm -rf "$cache/empty-package" && mkdir -p "$cache/empty-package"
  cp "$(dirname "$0")/realbuild/empty-package/configure.ac" "$(dirname "$0")/realbuild/empty-package/Makefile.am" \
    "$cache/empty-package/"
  # A generated configure too: Buildroot autoreconfigures host-attr, but not host-acl.
  (cd "$cache/empty-package" && autoreconf -fi >/dev/null 2>&1)
  touch "$cache/empty-package/.complete"
fi

# The external toolchain.
tc="$cache/toolchain"
# Keyed by this script and the wrapper, so a change to either remakes the toolchain.
tc_key="gcc-$(gcc -dumpversion) $(cat "$0" "$(dirname "$0")/realbuild/toolchain-wrapper.sh" | sha256sum | cut -c1-16)"
if [ "$(cat "$tc/.complete" 2>/dev/null)" != "$tc_key" ]; then
  log "laying out Debian's gcc $(gcc -dumpversion) as an external toolchain in $tc"
  work="$tc.partial"
  rm -rf "$work" "$tc" && mkdir -p "$work/bin" "$work/debs" "$work/sysroot"
  (cd "$work/debs" && apt-get download -qq libc6 libc6-dev linux-libc-dev libgcc-s1 libcrypt1 libcrypt-dev >/dev/null)
  for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/sysroot"; done
  rm -rf "$work/debs"
  # Not part of a toolchain's sysroot: the docs (with a dangling link), and ld.so.conf.d, a
  # directory Buildroot's copy of "ld*.so.*" takes for a library and fails on.
  rm -rf "$work/sysroot/usr/share/doc" "$work/sysroot/etc/ld.so.conf.d" "$work/sysroot/etc/ld.so.conf"
  # Absolute links point into the host; make each relative to the sysroot.
  while IFS= read -r -d '' link; do
    target=$(readlink "$link")
    case "$target" in
      /*) ln -sfn "$(realpath -m --relative-to="$(dirname "$link")" "$work/sysroot$target")" "$link" ;;
    esac
  done < <(find "$work/sysroot" -type l -print0)
  # gcc finds its own files (crt*.o, libgcc, its headers, cc1) relative to where the driver
  # binary lies, and searches <that>/../../../x86_64-linux-gnu without the sysroot. Run from
  # /usr/bin, that is the host's libc: Buildroot's sysroot probe (gcc -print-file-name=libc.a)
  # then finds "/" and copies the host's libraries. So the drivers are copied into bin/ and gcc's
  # directory into lib/gcc: the search then stays in the toolchain and the sysroot.
  gccver=$(gcc -dumpversion)
  gcclib="/usr/lib/gcc/x86_64-linux-gnu/$gccver"
  mkdir -p "$work/lib/gcc/x86_64-linux-gnu/$gccver"
  for f in "$gcclib"/*; do
    name=$(basename "$f")
    dest="$work/lib/gcc/x86_64-linux-gnu/$gccver/$name"
    if [ -L "$f" ]; then
      continue # links into the host's lib dir (libstdc++.so, libgomp.so...): not for the target
    elif [ -x "$f" ] && [ -f "$f" ]; then
      ln -s "$f" "$dest" # cc1, collect2, lto1...: host programs, used where they are
    else
      cp -a "$f" "$dest"
    fi
  done
  for tool in gcc cpp; do
    cp "/usr/bin/x86_64-linux-gnu-$tool-$gccver" "$work/bin/x86_64-linux-gnu-$tool-$gccver"
    sed -e "s|@REAL@|$tc/bin/x86_64-linux-gnu-$tool-$gccver|" -e "s|@SYSROOT@|$tc/sysroot|" \
      "$(dirname "$0")/realbuild/toolchain-wrapper.sh" > "$work/bin/x86_64-linux-gnu-$tool"
    chmod +x "$work/bin/x86_64-linux-gnu-$tool"
  done
  for tool in as ld ld.bfd ar nm objcopy objdump ranlib readelf strip size strings addr2line \
              gcc-ar gcc-nm gcc-ranlib; do
    ln -s "/usr/bin/x86_64-linux-gnu-$tool" "$work/bin/x86_64-linux-gnu-$tool"
  done
  # The wrappers name the final path; the directory is moved there only now it is whole.
  mv "$work" "$tc"
  echo "$tc_key" > "$tc/.complete"
fi

# GRUB for EFI, from Debian's grub-efi-amd64-bin: the modules the virt/qemu grub.cfg uses.
if [ ! -f "$cache/grub/bootx64.efi" ]; then
  mkdir -p "$cache/grub"
  grub-mkimage -O x86_64-efi -p /EFI/BOOT -o "$cache/grub/bootx64.efi.partial" \
    boot linux fat part_gpt part_msdos normal configfile echo search search_label loadenv test \
    serial terminal
  mv "$cache/grub/bootx64.efi.partial" "$cache/grub/bootx64.efi"
fi

kernel=/usr/src/linux-source-6.1.tar.xz
[ -f "$kernel" ] || { log "$kernel is missing (Debian package linux-source-6.1)"; exit 1; }

# The override file: Buildroot includes it early, before the packages, so only variables
# (OVERRIDE_SRCDIR) belong here.
{
  echo "# Written by scripts/realbuild-prepare.sh: Debian source packages in place of Buildroot's"
  echo "# downloads, for the offline real-build tests."
  for entry in "${packages[@]}"; do
    echo "${entry%%:*}_OVERRIDE_SRCDIR = $cache/sources/${entry#*:}"
  done
  echo "HOST_FAKEROOT_OVERRIDE_SRCDIR = $cache/fakeroot"
  if [ "$(id -u)" -eq 0 ]; then
    echo "# Run as root (CI): GNU tar's configure refuses root without this."
    echo "export FORCE_UNSAFE_CONFIGURE = 1"
  fi
  echo "HOST_ATTR_OVERRIDE_SRCDIR = $cache/empty-package"
  echo "HOST_ACL_OVERRIDE_SRCDIR = $cache/empty-package"
} > "$cache/local.mk.partial"
mv "$cache/local.mk.partial" "$cache/local.mk"
echo "$cache"
