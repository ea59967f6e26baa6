#!/usr/bin/env bash
# bench-tmem.sh - the tmem figures of issue 14 (docs/benchmarks.md,
# "Transcendent memory"), under --icount with a fixed hash seed.
#
#   tools/bench-tmem.sh [--no-build] [--no-run] [--publish]
#
# Runs, each kept in build/bench/tmem-logs/:
#   reread-on, reread-off  test-images/bench/tmem-reread.scn, and its twin
#                          without cleancache: an 8 MiB guest reads a
#                          24 MiB file three times
#   swap-fs, swap-disk     test-images/bench/tmem-swap.scn, and its twin
#                          with frontswap=off: 12 MiB of anonymous pages
#                          in a guest entitled to 8 MiB
#   dedup                  test-images/bench/tmem-dedup.scn: four identical
#                          guests put the same pages into private pools
#   compress               test-images/bench/tmem-compress.scn: the demo's
#                          source tree in a pool, compressed with LZ4
#   ops                    test-images/bench/tmem-ops.scn: the cost of a
#                          put and a get against a page copy + a hypercall
# and writes build/bench/tmem.txt (first line: where it comes from);
# --publish copies it to docs/bench/tmem.txt.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. tools/bench-lib.sh

build=1 run=1 publish=0
for a in "$@"; do
    case "$a" in
    --no-build) build=0 ;;
    --no-run) run=0 build=0 ;;
    --publish) publish=1 ;;
    *) echo "bench-tmem.sh: unknown option '$a'" >&2; exit 4 ;;
    esac
done

out=build/bench
logs=$out/tmem-logs
bench=test-images/bench
mkdir -p "$logs" "$out/scn"
sed -E 's/cleancache=private //' "$bench/tmem-reread.scn" > "$out/scn/tmem-reread-off.scn"
sed -E 's/balloon=self /balloon=self frontswap=off /' "$bench/tmem-swap.scn" > "$out/scn/tmem-swap-disk.scn"

runs=("reread-on|$bench/tmem-reread.scn"
      "reread-off|$out/scn/tmem-reread-off.scn"
      "swap-fs|$bench/tmem-swap.scn"
      "swap-disk|$out/scn/tmem-swap-disk.scn"
      "dedup|$bench/tmem-dedup.scn"
      "compress|$bench/tmem-compress.scn"
      "ops|$bench/tmem-ops.scn")

[ $build = 1 ] && bench_build
if [ $run = 1 ]; then
    for r in "${runs[@]}"; do
        IFS='|' read -r name scn <<< "$r"
        ./run-qemu.sh "$scn" --icount --no-build --timeout 600 \
            --hv-args "share_seed=1234567" > "$logs/$name.log" 2>&1 ||
            { echo "bench-tmem.sh: $name failed; see $logs/$name.log" >&2; exit 1; }
        sed -i 's/\r$//' "$logs/$name.log"
        echo "  ran     $name" >&2
    done
    bench_provenance tools/bench-tmem.sh > "$logs/PROVENANCE"
fi

perl tools/bench-tmem.pl "$logs" > "$out/tmem.txt"
cat "$out/tmem.txt"
if [ $publish = 1 ]; then
    mkdir -p docs/bench
    cp "$out/tmem.txt" docs/bench/tmem.txt
fi
