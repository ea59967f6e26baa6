#!/usr/bin/env bash
# build-newlib.sh [BUILD-DIR] - build newlib's libc.a and libm.a for the PV
# guest's user programs (i686, static, no OS syscalls: guest-pv/user/lib
# supplies them) from Debian's newlib-source, with the host gcc -m32 as the
# target compiler. No cross toolchain, no texinfo, no network.
#
# Installs into BUILD-DIR/newlib (default build/newlib), a normal install
# prefix for target i686-elf:
#   build/newlib/i686-elf/include   newlib's headers
#   build/newlib/i686-elf/lib       libc.a, libm.a (and libg.a, a copy of libc.a)
# build/newlib/.stamp records what it was built from (sha256 of the tarball and
# of this script, the gcc version); when it matches and the libraries are there
# the script exits at once. The configure and make output goes to
# BUILD-DIR/newlib-build.log, whose tail is shown on failure.
#
# The host gcc predefines __linux__ and __unix__ for -m32, which would make
# newlib's headers pick its Linux configuration (dynamic reent, 64-bit file
# calls); they are undefined so that newlib sees a bare i686-elf compiler.
# User programs must be compiled with the same -U flags (NEWLIB_CPPFLAGS in
# guest-pv/user/Makefile.inc).
set -euo pipefail

build=${1:-build}
script=$(readlink -f "${BASH_SOURCE[0]}")
prefix=$build/newlib
stamp=$prefix/.stamp
log=$build/newlib-build.log
work=$build/newlib-work

say() { printf '  %-7s %s\n' "$1" "$2"; }

shopt -s nullglob
tarballs=(/usr/src/newlib/newlib-*.tar.xz)
shopt -u nullglob
tarball=
if [ ${#tarballs[@]} -gt 0 ]; then
    tarball=$(printf '%s\n' "${tarballs[@]}" | sort -V | tail -n 1)
fi
if [ -z "$tarball" ]; then
    echo "build-newlib.sh: no /usr/src/newlib/newlib-*.tar.xz (run tools/install-deps.sh," \
        "or apt-get install newlib-source)" >&2
    exit 1
fi

command -v xz >/dev/null || { echo "build-newlib.sh: needs xz (apt-get install xz-utils)" >&2; exit 1; }

key="tarball $(basename "$tarball") $(sha256sum < "$tarball" | cut -d' ' -f1)
script $(sha256sum < "$script" | cut -d' ' -f1)
gcc $(gcc --version | head -n 1)"

cached() {
    [ -f "$prefix/i686-elf/lib/libc.a" ] && [ -f "$prefix/i686-elf/lib/libm.a" ] &&
        [ -f "$prefix/i686-elf/include/stdio.h" ] && [ -f "$stamp" ] &&
        [ "$(cat "$stamp")" = "$key" ]
}
cached && exit 0

# One build at a time (two makes started at once wait for each other).
mkdir -p "$build"
exec 9> "$build/newlib.lock"
flock 9
cached && exit 0

fail() {
    echo "build-newlib.sh: $1 failed; the end of $log:" >&2
    tail -n 40 "$log" >&2
    exit 1
}

# Nothing from a calling make (MAKEFLAGS carries its command-line variables
# and jobserver) or from the user's environment may reach newlib's build.
unset MAKEFLAGS MFLAGS MAKEOVERRIDES MAKELEVEL CFLAGS CPPFLAGS LDFLAGS CXXFLAGS
export LC_ALL=C

gccinc=$(gcc -m32 -print-file-name=include)
target_cc="gcc -m32 -ffreestanding -march=i686 -fno-pic -fno-pie -fno-stack-protector"
target_cc+=" -U__linux__ -U__linux -Ulinux -U__gnu_linux__ -U__unix__ -U__unix -Uunix"
# newlib's own headers come first (configure adds them); then gcc's, never glibc's.
target_cc+=" -nostdinc -idirafter $gccinc"

start=$(date +%s)
rm -rf "$work" "$prefix"
mkdir -p "$work/obj"
: > "$log"
abs_prefix=$(cd "$build" && pwd)/newlib

say NEWLIB "unpack $(basename "$tarball")"
tar -xJf "$tarball" -C "$work" >> "$log" 2>&1 || fail unpack
src=$(cd "$work/newlib-salsa" && pwd)

say NEWLIB "configure --target=i686-elf"
(cd "$work/obj" && "$src/configure" \
    --target=i686-elf --prefix="$abs_prefix" \
    --disable-multilib --disable-nls \
    --disable-newlib-supplied-syscalls \
    --enable-newlib-io-long-long --enable-newlib-io-c99-formats \
    MAKEINFO=true \
    CC_FOR_TARGET="$target_cc" \
    CFLAGS_FOR_TARGET="-O2 -g" \
    AS_FOR_TARGET="as --32" LD_FOR_TARGET="ld -m elf_i386" \
    AR_FOR_TARGET=ar RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm \
    OBJDUMP_FOR_TARGET=objdump OBJCOPY_FOR_TARGET=objcopy \
    READELF_FOR_TARGET=readelf STRIP_FOR_TARGET=strip) >> "$log" 2>&1 || fail configure

say NEWLIB "make all-target-newlib (-j${NEWLIB_JOBS:-2})"
make -C "$work/obj" -j"${NEWLIB_JOBS:-2}" all-target-newlib MAKEINFO=true \
    >> "$log" 2>&1 || fail make

say NEWLIB "install $prefix"
make -C "$work/obj" install-target-newlib MAKEINFO=true >> "$log" 2>&1 || fail install
for f in i686-elf/lib/libc.a i686-elf/lib/libm.a i686-elf/include/stdio.h; do
    [ -f "$prefix/$f" ] || { echo "install: no $prefix/$f" >> "$log"; fail install; }
done

rm -rf "$work"
printf '%s\n' "$key" > "$stamp"
say NEWLIB "done in $(($(date +%s) - start)) s"
