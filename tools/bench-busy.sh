#!/usr/bin/env bash
# bench-busy.sh - the scanner against guests that never idle (issue 15,
# item 1; docs/benchmarks.md "A scanner busy guests cannot starve"), under
# --icount with a fixed hash seed: test-images/bench/share-busy.scn with
# scan_busy_per_mille=50 (the default) and =0. Writes build/bench/busy.txt;
# --publish copies it to docs/bench/busy.txt.
#   tools/bench-busy.sh [--no-build] [--no-run] [--publish]
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
    *) echo "bench-busy.sh: unknown option '$a'" >&2; exit 4 ;;
    esac
done
out=build/bench
logs=$out/busy-logs
mkdir -p "$logs"
[ $build = 1 ] && bench_build
if [ $run = 1 ]; then
    for b in 50 0; do
        ./run-qemu.sh test-images/bench/share-busy.scn --icount --no-build --timeout 600 \
            --hv-args "share_seed=1234567 scan_busy_per_mille=$b" > "$logs/busy-$b.log" 2>&1 ||
            { echo "bench-busy.sh: run $b failed; see $logs/busy-$b.log" >&2; exit 1; }
        sed -i 's/\r$//' "$logs/busy-$b.log"
        echo "  ran     scan_busy_per_mille=$b" >&2
    done
    bench_provenance tools/bench-busy.sh > "$logs/PROVENANCE"
fi
# spins' tsc summed over the guests; the SHARE line's busy_cycles; CPU total.
field() { grep -o "$2=[0-9]*" "$1" | tail -n 1 | cut -d= -f2; }
sum_tsc() { grep -o 'spinscan: [0-9]* spins in [0-9.]* s, tsc=[0-9]*' "$1" | sed 's/.*tsc=//' | awk '{ s += $1 } END { print s }'; }
shared() { grep -o '[0-9]* of 256 pages shared' "$1" | awk '{ s += $1 } END { print s }'; }
on=$logs/busy-50.log off=$logs/busy-0.log
{
    echo "# provenance: $(cat "$logs/PROVENANCE" 2>/dev/null || echo unknown)"
    echo "# Four guests that never idle, 4,000 spins each, under -icount (cycles are instructions)."
    awk -v a="$(sum_tsc "$on")" -v b="$(sum_tsc "$off")" \
        'BEGIN { printf "busy guests'"'"' spin time, budget 50 / 0 (starved)   %.0f / %.0f = %.3f   (aim <= 1.05)\n", a, b, a / b }'
    awk -v a="$(field "$on" busy_cycles)" -v b="$(field "$on" total_cycles)" -v s="$(field "$on" busy_slices)" \
        'BEGIN { printf "scanner cycles taken from them / all cycles        %.0f / %.0f = %.3f (%d slices)\n", a, b, a / b, s }'
    echo "pages of the 4 x 256 shared at the end, budget 50 / 0   $(shared "$on") / $(shared "$off")"
} > "$out/busy.txt"
cat "$out/busy.txt"
if [ $publish = 1 ]; then
    mkdir -p docs/bench
    cp "$out/busy.txt" docs/bench/busy.txt
fi
