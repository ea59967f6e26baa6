#!/usr/bin/env bash
# bench-sharing.sh - the page-sharing benchmarks of docs/benchmarks.md.
#
# Boots every benchmark scenario of test-images/bench/ under --icount
# (qemu -icount shift=0,sleep=off: the TSC counts instructions, so every
# figure repeats exactly), in PV mode and in shadow mode (the *-shadow.scn
# variants), keeps the consoles in build/bench/logs/, extracts the figures
# into build/bench/*.txt (tools/bench-tables.pl; modes.txt: PV against
# shadow), draws the sharing-over-time plot of both modes
# (tools/plot-sharing.sh) and prints build/bench/summary.txt.
#
#   tools/bench-sharing.sh              build what the benchmarks need, run all
#   tools/bench-sharing.sh --no-build   use the existing build
#   tools/bench-sharing.sh --no-run     only re-extract the tables from the logs
#   tools/bench-sharing.sh --jobs N     QEMUs at once (default 2; figures do
#                                       not depend on it)
#
# About a minute and a half on two cores (35 runs). Exit status 0 if every run
# passed and every table could be made (the targets met or not: summary.txt).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build=1 run=1 jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
    --no-build) build=0 ;;
    --no-run) run=0 build=0 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench-sharing.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

out=build/bench
logs=$out/logs
bench=test-images/bench
mkdir -p "$logs" "$out/scn"

# --- The runs -------------------------------------------------------------------
# name | scenario | hypervisor options. A "-base" run is its scenario without
# the measured program: the difference of the two runs' STATS lines is the
# count of costly events the program caused. $quiet: the scanner does a
# whole round in one slice, once a second, so that it seldom runs (and
# raises VIRQ_SHARING) inside the short alloc_write window.
#
# Two modes: a name without suffix is a PV run; NAME-shadow is the same run
# of the scenario's -shadow variant (every domain mode=shadow: translated,
# shared transparently by the hypervisor, no guest driver). The forkexec
# runs (Table 4) have two bases each: -fork (fork_test only; exec_test's
# events are the full run minus it) and -base (neither; fork_test's events
# are -fork minus it).
quiet="pages_to_scan=8192 sleep_millisecs=1000"
runs=()
for sfx in "" -shadow; do
    m=pv
    [ -z "$sfx" ] || m=shadow
    # The longest first: two at a time, the last long one sets the runtime.
    runs+=("forkexec-on$sfx|$bench/forkexec-$m.scn|"
           "forkexec-off$sfx|$bench/forkexec-$m-noshare.scn|"
           "timeline$sfx|$bench/build-timeline$sfx.scn|")
done
runs+=("idle-shadow|$bench/share-idle-shadow.scn|share_audit")
for sfx in "" -shadow; do
    m=pv
    [ -z "$sfx" ] || m=shadow
    runs+=("forkexec-on-fork$sfx|$out/scn/forkexec-$m-fork.scn|"
           "forkexec-off-fork$sfx|$out/scn/forkexec-$m-noshare-fork.scn|"
           "build-on$sfx|$bench/build-share$sfx.scn|"
           "build-off$sfx|$bench/build-noshare$sfx.scn|")
done
runs+=("idle|$bench/share-idle.scn|share_audit"
       "paced|$bench/share-idle.scn|share_audit pages_to_scan=64 sleep_millisecs=50")
for sfx in "" -shadow; do
    m=pv
    [ -z "$sfx" ] || m=shadow
    runs+=("alloc-on$sfx|$bench/alloc-share$sfx.scn|$quiet"
           "alloc-on-default$sfx|$bench/alloc-share$sfx.scn|"
           "alloc-off$sfx|$bench/alloc-noshare$sfx.scn|"
           "alloc-on-base$sfx|$out/scn/alloc-share$sfx-base.scn|$quiet"
           "alloc-off-base$sfx|$out/scn/alloc-noshare$sfx-base.scn|"
           "build-on-base$sfx|$out/scn/build-share$sfx-base.scn|"
           "build-off-base$sfx|$out/scn/build-noshare$sfx-base.scn|"
           "forkexec-on-base$sfx|$out/scn/forkexec-$m-base.scn|"
           "forkexec-off-base$sfx|$out/scn/forkexec-$m-noshare-base.scn|")
done

for sfx in "" -shadow; do
    for s in share noshare; do
        sed -E 's/,alloc_write\+[0-9]+//' "$bench/alloc-$s$sfx.scn" > "$out/scn/alloc-$s$sfx-base.scn"
        sed -E 's/,build"/"/' "$bench/build-$s$sfx.scn" > "$out/scn/build-$s$sfx-base.scn"
    done
done
for m in pv pv-noshare shadow shadow-noshare; do
    sed -E 's/,exec_test\+[0-9]+//' "$bench/forkexec-$m.scn" > "$out/scn/forkexec-$m-fork.scn"
    sed -E 's/,fork_test\+[0-9]+,exec_test\+[0-9]+//' "$bench/forkexec-$m.scn" \
        > "$out/scn/forkexec-$m-base.scn"
done

if [ $build = 1 ]; then
    tools/install-deps.sh
    # Only what the benchmarks boot (not every test guest).
    make -s hv build/guest-pv/pvk.elf build/test-images/root-a.img >&2
fi

# The hash seed mixes in the wall clock unless fixed: fixed, a run repeats.
seed="share_seed=1234567"

run_one() { # name scenario hv-args
    local name=$1 scn=$2 args="$seed $3" status=0
    ./run-qemu.sh "$scn" --icount --no-build --timeout 600 --hv-args "$args" \
        > "$logs/$name.log" 2>&1 || status=$?
    sed -i 's/\r$//' "$logs/$name.log"
    if [ $status != 0 ]; then
        echo "bench-sharing.sh: run $name ($scn) ended with status $status; see $logs/$name.log" >&2
        return 1
    fi
    echo "  ran     $name" >&2
}

if [ $run = 1 ]; then
    start=$SECONDS failed=0 running=0
    for r in "${runs[@]}"; do
        IFS='|' read -r name scn args <<< "$r"
        if [ $running -ge "$jobs" ]; then
            wait -n || failed=$((failed + 1))
            running=$((running - 1))
        fi
        run_one "$name" "$scn" "$args" &
        running=$((running + 1))
    done
    while [ $running -gt 0 ]; do
        wait -n || failed=$((failed + 1))
        running=$((running - 1))
    done
    echo "  ${#runs[@]} runs in $((SECONDS - start)) s" >&2
    [ $failed = 0 ] || { echo "bench-sharing.sh: $failed run(s) failed" >&2; exit 1; }
fi

# --- The tables -------------------------------------------------------------------
# tools/bench-tables.pl prints summary.txt; printed here at the end instead,
# after the plot.
QUIET=$quiet tools/bench-tables.pl "$out" > /dev/null

tools/plot-sharing.sh "$out/timeline.dat" "$out/timeline-phases.dat" "$out/sharing-over-time.png" \
    "$out/timeline-shadow.dat" "$out/timeline-shadow-phases.dat"

echo "tables in $out/: summary modes sharing scanner alloc build timeline hash costs (.txt);"
echo "  alloc, build and timeline also -shadow"
echo "plot: $out/sharing-over-time.png"
echo
cat "$out/summary.txt"
