#!/usr/bin/env bash
# bench-disk.sh - the disk benchmarks of docs/benchmarks.md ("Disks").
#
# Boots, RUNS times each (default 3), these variants of the scenarios in
# test-images/bench/ (written into build/bench/disk/scn/):
#   read-{pv,shadow}-{on,off}   disk-read.scn: four guests read the same
#                               10 MB of files; read-time sharing on / off
#                               (share_reads=), PV / shadow mode
#   build-{pv,shadow}-{on,off}  build-share.scn: unpack, idle 3 s, build,
#                               under -icount
#   seq-{11,1}-{icount,wall}    disk-seq.scn: a 24 MiB sequential read,
#                               requests of up to 11 sectors / of one
#                               (blk_segs=1), under -icount (instructions)
#                               and without (wall-clock seconds)
# keeps the consoles in build/bench/disk/logs/ (PROVENANCE: the commit,
# date and command) and writes build/bench/disk/disk.txt
# (tools/bench-disk.pl), which --publish copies to docs/bench/disk.txt.
#
#   tools/bench-disk.sh [--runs N] [--no-build] [--no-run] [--publish]
#
# Under -icount the CPU's figures repeat exactly, but a disk's completions
# come from QEMU's I/O thread, whose timing is the host's: which reads find
# a block in the map, and so every figure that depends on it, varies a
# little from run to run. The tables give the median and the range of the
# runs. About 15 minutes on two cores with 3 runs.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

runs=3 build=1 run=1 publish=0
command="tools/bench-disk.sh${*:+ $*}"
while [ $# -gt 0 ]; do
    case "$1" in
    --runs) runs=${2:?--runs needs a number}; shift ;;
    --no-build) build=0 ;;
    --no-run) run=0 build=0 ;;
    --publish) publish=1 ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-disk.sh: unknown option '$1' (see --help)" >&2; exit 4 ;;
    esac
    shift
done

out=build/bench/disk
scn=$out/scn
logs=$out/logs
mkdir -p "$scn" "$logs"

# variant SRC NAME MODE SHARE_READS TEST_ARGS CMDLINE_ADD: a copy of SRC
# with mode=MODE, share_reads=SHARE_READS, TEST_ARGS (replacing the
# source's) and CMDLINE_ADD appended to every guest's cmdline.
variant() {
    local src=$1 name=$2 mode=$3 reads=$4 targs=$5 add=$6
    {
        grep -v '^# *test-args:' "$src"
        echo "# hv-args: share_reads=$reads share_seed=1"
        if [ -n "$targs" ]; then echo "# test-args: $targs"; fi
    } | sed -E "/^domain /{s/ mode=[a-z]+//; s/ mem=([^ ]+)/ mem=\\1 mode=$mode/; s/cmdline=\"([^\"]*)\"/cmdline=\"\\1${add:+ $add}\"/}" \
        > "$scn/$name.scn"
}

if [ $run = 1 ]; then
    [ $build = 1 ] && make -s all >&2
    for m in pv shadow; do
        for r in on off; do
            v=$([ $r = on ] && echo 1 || echo 0)
            variant test-images/bench/disk-read.scn "read-$m-$r" $m $v --icount ""
            variant test-images/bench/build-share.scn "build-$m-$r" $m $v --icount ""
        done
    done
    variant test-images/bench/disk-seq.scn seq-11-icount pv 1 --icount ""
    variant test-images/bench/disk-seq.scn seq-1-icount pv 1 --icount blk_segs=1
    variant test-images/bench/disk-seq.scn seq-11-wall pv 1 "" ""
    variant test-images/bench/disk-seq.scn seq-1-wall pv 1 "" blk_segs=1

    provenance="PROVENANCE commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD || echo +dirty) date=$(date -u +%Y-%m-%dT%H:%MZ) command=$command"
    failed=0
    for f in "$scn"/*.scn; do
        name=$(basename "$f" .scn)
        for i in $(seq 1 "$runs"); do
            if ! tests/run-scenario "$f" > "$logs/$name.$i.tap" 2>&1; then
                echo "bench-disk.sh: $name run $i did not pass (see $logs/$name.$i.tap)" >&2
                failed=1
            fi
            { echo "$provenance"; cat "build/tests/logs/$name.log"; } > "$logs/$name.$i.log"
            echo "bench-disk.sh: $name run $i of $runs done" >&2
        done
    done
    [ $failed = 0 ] || exit 1
fi

perl tools/bench-disk.pl "$logs" > "$out/disk.txt"
cat "$out/disk.txt"
if [ $publish = 1 ]; then
    mkdir -p docs/bench
    cp "$out/disk.txt" docs/bench/disk.txt
fi
