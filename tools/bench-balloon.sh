#!/usr/bin/env bash
# bench-balloon.sh - the ballooning figures of issue 12 (docs/benchmarks.md,
# "Memory as a renewable resource"), under --icount with a fixed hash seed,
# so that a rerun gives the same table to the last digit.
#
#   tools/bench-balloon.sh [--no-build] [--no-run]
#
# Runs, each kept in build/bench/balloon-logs/:
#   idle, idle-shadow      test-images/bench/balloon-idle.scn (PV, and its
#                          shadow twin): MEM-SUMMARY held_min / guest_pages
#   build-on, build-off    test-images/bench/build-share.scn with and without
#                          balloon=self on every guest: the build span ratio
#   flow, flow-static      balloon-flow.scn and balloon-flow-static.scn: the
#                          time for 8 MiB to leave an idle guest, and to
#                          arrive in one that writes it, against writing
#                          into pages it already has
# and writes build/bench/balloon.txt (first line: where it comes from).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. tools/bench-lib.sh

build=1 run=1
for a in "$@"; do
    case "$a" in
    --no-build) build=0 ;;
    --no-run) run=0 build=0 ;;
    *) echo "bench-balloon.sh: unknown option '$a'" >&2; exit 4 ;;
    esac
done

out=build/bench
logs=$out/balloon-logs
bench=test-images/bench
mkdir -p "$logs" "$out/scn"
# The generated twins: shadow mode, and the build with balloon=self.
sed -E '/^domain /s/ share=/ mode=shadow share=/' "$bench/balloon-idle.scn" \
    > "$out/scn/balloon-idle-shadow.scn"
sed -E '/^domain /s/cmdline="/cmdline="balloon=self /' "$bench/build-share.scn" \
    > "$out/scn/build-share-balloon.scn"

runs=("idle|$bench/balloon-idle.scn"
      "idle-shadow|$out/scn/balloon-idle-shadow.scn"
      "build-on|$out/scn/build-share-balloon.scn"
      "build-off|$bench/build-share.scn"
      "flow|$bench/balloon-flow.scn"
      "flow-static|$bench/balloon-flow-static.scn")

[ $build = 1 ] && bench_build
if [ $run = 1 ]; then
    for r in "${runs[@]}"; do
        IFS='|' read -r name scn <<< "$r"
        ./run-qemu.sh "$scn" --icount --no-build --timeout 600 \
            --hv-args "share_seed=1234567" > "$logs/$name.log" 2>&1 ||
            { echo "bench-balloon.sh: $name failed; see $logs/$name.log" >&2; exit 1; }
        sed -i 's/\r$//' "$logs/$name.log"
        echo "  ran     $name" >&2
    done
    bench_provenance tools/bench-balloon.sh > "$logs/PROVENANCE"
fi

# --- The table ------------------------------------------------------------------
summary() { # log -> "held guest_pages"
    sed -n 's/.*MEM-SUMMARY held_min=\([0-9]*\) guest_pages=\([0-9]*\).*/\1 \2/p' "$1" | tail -n 1
}
span() { # log -> the build span: last tsc_end - first tsc_start
    grep -a '# build: units' "$1" | sed 's/.*tsc_start=\([0-9]*\) tsc_end=\([0-9]*\).*/\1 \2/' |
        awk 'NR == 1 || $1 < s { s = $1 } NR == 1 || $2 > e { e = $2 } END { print e - s }'
}
first_pass() { # log -> alloc_write's first pass cycles
    sed -n 's/.*alloc_write: pages=[0-9]* first_pass_cycles=\([0-9]*\).*/\1/p' "$1" | tail -n 1
}
gave_back_ms() { # log -> the ms g1's balloontest waited for the pages to go
    sed -n 's/.*gave them back: .* (\([0-9]*\) ms).*/\1/p' "$1" | head -n 1
}

{
    echo "# provenance: $(cat "$logs/PROVENANCE" 2>/dev/null || echo 'unknown (no PROVENANCE)')"
    echo "# Ballooning (issue 12), under -icount (cycles are instructions, 1e9 a second)."
    read -r h p <<< "$(summary "$logs/idle.log")"
    printf 'idle, PV: held_min / guest_pages              %6d / %d = %.3f   (aim <= 0.10)\n' \
        "$h" "$p" "$(echo "$h $p" | awk '{ print $1 / $2 }')"
    read -r h p <<< "$(summary "$logs/idle-shadow.log")"
    printf 'idle, shadow: held_min / guest_pages          %6d / %d = %.3f   (aim <= 0.10)\n' \
        "$h" "$p" "$(echo "$h $p" | awk '{ print $1 / $2 }')"
    on=$(span "$logs/build-on.log")
    off=$(span "$logs/build-off.log")
    printf 'build span, balloon=self / none               %d / %d = %.3f   (aim <= 1.02)\n' \
        "$on" "$off" "$(echo "$on $off" | awk '{ print $1 / $2 }')"
    fp=$(first_pass "$logs/flow.log")
    fs=$(first_pass "$logs/flow-static.log")
    printf '8 MiB written, pages from the pool / own     %d / %d cycles = %.3f; the pool'"'"'s extra %.1f ms\n' \
        "$fp" "$fs" "$(echo "$fp $fs" | awk '{ print $1 / $2 }')" \
        "$(echo "$fp $fs" | awk '{ print ($1 - $2) / 1e6 }')"
    printf '8 MiB given back by the idle guest            within %s ms of guest time (polled every 10 ms)\n' \
        "$(gave_back_ms "$logs/flow.log")"
} > "$out/balloon.txt"
cat "$out/balloon.txt"
