#!/usr/bin/env bash
# install-deps.sh - install the Debian packages the build, the boot and the
# tests use, if any is missing. Used by run-qemu.sh and `make test`.
#   tools/install-deps.sh          build + boot with -kernel
#   tools/install-deps.sh --iso    also what the GRUB ISO needs
#   tools/install-deps.sh --test   everything `make test` uses
#   tools/install-deps.sh --plot   also gnuplot (tools/plot-sharing.sh)
# Each package is named by what tells that it is there (a command, a header,
# a folder), so a minimal Debian (debootstrap --variant=minbase) ends up with
# all of them; ../shared/tools/fresh-debian-check and .ci/run prove it.
set -euo pipefail

iso=0 test=0 plot=0
for a in "$@"; do
    case "$a" in
    --iso) iso=1 ;;
    --test) iso=1 test=1 ;;
    --plot) plot=1 ;;
    *) echo "install-deps.sh: unknown option '$a'" >&2; exit 2 ;;
    esac
done

need=()
command -v qemu-system-i386 >/dev/null || need+=(qemu-system-x86)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
command -v ld >/dev/null || need+=(binutils)
if ! echo 'int main(void){return 0;}' | gcc -m32 -x c - -o /dev/null 2>/dev/null; then
    need+=(gcc-multilib)
fi
# xxHash for the scanner: the header only (XXH_INLINE_ALL), no library.
[ -f /usr/include/xxhash.h ] || need+=(libxxhash-dev)
# newlib for the guest's user programs (tools/build-newlib.sh builds it);
# its tarball and the root images' sources are .tar.xz.
compgen -G '/usr/src/newlib/newlib-*.tar.xz' >/dev/null || need+=(newlib-source)
command -v xz >/dev/null || need+=(xz-utils)
# perl writes the test images' patterns; prove (perl too) runs the tests,
# and the benchmark tables are extracted with it.
command -v perl >/dev/null || need+=(perl)
if [ $iso = 1 ]; then
    command -v grub-mkrescue >/dev/null || need+=(grub-common)
    [ -d /usr/lib/grub/i386-pc ] || need+=(grub-pc-bin)
    command -v xorriso >/dev/null || need+=(xorriso)
    command -v mformat >/dev/null || need+=(mtools)
fi
if [ $test = 1 ]; then
    command -v prove >/dev/null || need+=(perl)
fi
if [ $plot = 1 ]; then
    command -v gnuplot >/dev/null || need+=(gnuplot-nox)
fi

[ ${#need[@]} -eq 0 ] && exit 0
echo "install-deps.sh: installing ${need[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${need[@]}" >&2
