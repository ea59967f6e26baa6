#!/usr/bin/env bash
# fresh-debian.sh - run commands in a brand-new minimal Debian root, as a new
# user would, so that a package installed by hand on this machine cannot hide
# a missing install step. .ci/run uses it when ../shared/tools/fresh-debian-check
# (the team's copy of the same check) is not beside the project.
#
#   tools/fresh-debian.sh [-- COMMAND...]      (default: ./run-qemu.sh && make test)
#
# Needs root and debootstrap (installed if missing). The root is
# debootstrap --variant=minbase of this machine's own Debian release and
# mirror, cached as /var/cache/fresh-debian/base.tar; each run unpacks it
# anew, clones this repository's committed HEAD into /root/project, runs the
# command there with a clean environment (only git and a shell come with it:
# the project installs the rest) and deletes the root afterwards.
# Exit status: the command's, or 2 if the root could not be made.
set -euo pipefail

[ "${1:-}" = "--" ] && shift
cmd=${*:-"./run-qemu.sh && make test"}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
git -C "$repo" rev-parse --verify -q HEAD >/dev/null ||
    { echo "fresh-debian.sh: $repo has no commit to clone" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "fresh-debian.sh: needs root" >&2; exit 2; }
if ! command -v debootstrap >/dev/null; then
    apt-get update -qq >&2 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2 ||
        { echo "fresh-debian.sh: cannot install debootstrap" >&2; exit 2; }
fi

# This machine's release and mirror (deb822 sources first, then the old list).
sources=$(cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true)
mirror=$(printf '%s\n' "$sources" | sed -n 's/^URIs: *\([^ ]*debian\)\/\{0,1\}$/\1/p' | head -n1)
[ -n "$mirror" ] ||
    mirror=$(printf '%s\n' "$sources" | awk '$1 == "deb" && $2 ~ /debian\/?$/ { print $2; exit }')
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ -n "$mirror" ] && [ -n "$suite" ] ||
    { echo "fresh-debian.sh: cannot tell this machine's Debian mirror and release" >&2; exit 2; }

cache=/var/cache/fresh-debian
mkdir -p "$cache"
if [ ! -s "$cache/base.tar" ]; then
    echo "fresh-debian.sh: debootstrap --variant=minbase $suite from $mirror" >&2
    tmp=$(mktemp -d)
    if ! debootstrap --variant=minbase "$suite" "$tmp" "$mirror" >"$cache/debootstrap.log" 2>&1; then
        tail -n 5 "$cache/debootstrap.log" >&2
        rm -rf "$tmp"
        exit 2
    fi
    tar -C "$tmp" -cf "$cache/base.tar" . && rm -rf "$tmp"
fi

root=$(mktemp -d /tmp/fresh-debian.XXXXXX)
cleanup() {
    for m in dev/pts dev proc; do umount "$root/$m" 2>/dev/null || true; done
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$cache/base.tar"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
mount -t proc proc "$root/proc" || exit 2
mount --bind /dev "$root/dev" || exit 2
mount --bind /dev/pts "$root/dev/pts" 2>/dev/null || true
git clone -q "$repo" "$root/root/project"
echo "fresh-debian.sh: in a new $suite root, at $(git -C "$repo" rev-parse --short HEAD): $cmd" >&2
set +e
chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
    /bin/bash -c "cd /root/project && $cmd"
rc=$?
set -e
echo "fresh-debian.sh: exit status $rc" >&2
exit $rc
