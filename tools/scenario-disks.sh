#!/usr/bin/env bash
# scenario-disks.sh SCENARIO DIR - print the QEMU options, one per line, that
# attach the disks a scenario names as virtio-blk drives (the hypervisor
# finds them on PCI and tells them apart by their serial numbers):
#   disk=IMAGE     one read-only drive per image, shared by every domain
#                  that names it; serial IMAGE
#   cowdisk=IMAGE  the same read-only drive, plus the domain's overlay: a
#                  new sparse file as big as the image, writable; serial
#                  o:DOMAIN:N (N: the disk's number on its line)
#   wdisk=SIZE     a new blank sparse file of SIZE, writable; serial
#                  w:DOMAIN:N
# Overlays and blank disks are made afresh in DIR (run-qemu.sh gives each
# run its own and removes it after; sparse files, they cost host disk only
# for what guests write).
# An image with no file, or that cannot be read, is reported on stderr and
# not attached: the hypervisor then names it in its own one-line error.
set -euo pipefail
scn=${1:?usage: tools/scenario-disks.sh SCENARIO DIR}
out=${2:?usage: tools/scenario-disks.sh SCENARIO DIR}
dirs=(build/test-images test-images)
mkdir -p "$out"

n=0
declare -A attached=()
missing=()

drive() { # drive FILE SERIAL READONLY(on|off)
    printf '%s\n' -drive "file=$1,format=raw,if=none,id=vd$n,readonly=$3" \
        -device "virtio-blk-pci,drive=vd$n,serial=$2,disable-modern=on"
    n=$((n + 1))
}

image() { # image NAME: attach it once; its path in $img (empty if none)
    local d
    img=""
    for d in "${dirs[@]}"; do
        if [ -f "$d/$1" ] && [ -r "$d/$1" ]; then img="$d/$1"; break; fi
    done
    if [ -z "$img" ]; then
        missing+=("$1")
    elif [ -z "${attached[$1]:-}" ]; then
        drive "$img" "$1" on
        attached[$1]=1
    fi
}

# size_bytes SIZE: a scenario size (64M, 1G, 512K; bare = MiB) in bytes
size_bytes() {
    local v=${1%iB} u
    v=${v%B}
    u=${v: -1}
    case "$u" in
    K|k) echo $(( ${v%?} * 1024 )) ;;
    M|m) echo $(( ${v%?} * 1024 * 1024 )) ;;
    G|g) echo $(( ${v%?} * 1024 * 1024 * 1024 )) ;;
    *) echo $(( v * 1024 * 1024 )) ;;
    esac
}

while IFS= read -r line; do
    line=$(sed 's/"[^"]*"//g' <<< "$line") # cmdline="..." is not ours
    name=$(grep -oE '(^|[[:space:]])name=[^[:space:]]+' <<< "$line" | head -n1 | sed 's/.*name=//')
    k=0
    for kv in $(grep -oE '(^|[[:space:]])(disk|cowdisk|wdisk)=[^[:space:]]+' <<< "$line"); do
        key=${kv%%=*} val=${kv#*=}
        case "$key" in
        disk) image "$val" ;;
        cowdisk)
            image "$val"
            if [ -n "$img" ]; then
                truncate -s "$(stat -c %s "$img")" "$out/$name.$k.ovl"
                drive "$out/$name.$k.ovl" "o:$name:$k" off
            fi ;;
        wdisk)
            # A size the hypervisor's parser will refuse is left to it.
            if [[ "$val" =~ ^[0-9]+([KkMmGg](iB|B)?)?$ ]]; then
                truncate -s "$(size_bytes "$val")" "$out/$name.$k.img"
                drive "$out/$name.$k.img" "w:$name:$k" off
            fi ;;
        esac
        k=$((k + 1))
    done
done < <(grep -E '^[[:space:]]*domain([[:space:]]|$)' "$scn")

if [ ${#missing[@]} -gt 0 ]; then
    echo "scenario-disks.sh: no readable file for disk image(s): ${missing[*]} (looked in ${dirs[*]})" >&2
fi
exit 0
