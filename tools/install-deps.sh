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

# LZ4 for tmem's compression: the source of Debian's lz4 package, whose
# lib/lz4.c builds freestanding (LZ4_FREESTANDING) into the hypervisor.
# Debian ships no binary package with it, so apt fetches the source package
# (checked against the archive's signed index) into /usr/src/lz4.
lz4=0
compgen -G '/usr/src/lz4/lz4_*.orig.tar.gz' >/dev/null || lz4=1

[ ${#need[@]} -eq 0 ] && [ $lz4 = 0 ] && exit 0
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
if [ ${#need[@]} -gt 0 ]; then
    echo "install-deps.sh: installing ${need[*]}" >&2
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${need[@]}" >&2
fi
if [ $lz4 = 1 ]; then
    echo "install-deps.sh: fetching Debian's lz4 source into /usr/src/lz4" >&2
    . /etc/os-release
    # The archive the machine installs from (deb.debian.org if none is named).
    mirror=http://deb.debian.org/debian
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
        /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        m=$(sed -nE 's#.*(https?://[^ ]+/debian)/?( .*)?$#\1#p' "$f" | head -n 1)
        if [ -n "$m" ]; then mirror=$m; break; fi
    done
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/archives/partial"
    echo "deb-src $mirror ${VERSION_CODENAME:-bookworm} main" > "$tmp/src.list"
    # Its own source list and lists folder: the machine's apt state stays.
    apt_src=(-o "Dir::Etc::SourceList=$tmp/src.list" -o Dir::Etc::SourceParts=/dev/null
             -o "Dir::State::Lists=$tmp/lists" -o "Dir::Cache::Archives=$tmp/archives"
             -o APT::Sandbox::User=root)
    $sudo apt-get "${apt_src[@]}" update -qq >&2
    (cd "$tmp" && $sudo apt-get "${apt_src[@]}" source --download-only -qq lz4 >&2)
    $sudo mkdir -p /usr/src/lz4
    $sudo cp "$tmp"/lz4_*.orig.tar.gz /usr/src/lz4/
fi
