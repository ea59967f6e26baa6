#!/usr/bin/env bash
# hostile-load.sh - boot a scenario many times while the host is overloaded,
# and count the runs that did not pass: the hang hunt of issue 10, kept so
# that anyone can rerun it.
#
#   tools/hostile-load.sh [-n RUNS] [-s SCENARIO] [-j HOGS] [-t TIMEOUT]
#
# Defaults: 200 runs of `hostile`, 4 CPU hogs plus a second QEMU looping on
# the `demo` scenario beside them, 120 s per run. Each run's console goes to
# build/hostile-load/run-N.log and is deleted when the run passed; the exit
# statuses are tallied at the end (run-qemu.sh's: 0 pass, 3 watchdog,
# 5 killed after the timeout: a hang). Exits 0 only if every run passed.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

runs=200 scn=hostile hogs=4 timeout_s=120
while getopts "n:s:j:t:h" o; do
    case $o in
    n) runs=$OPTARG ;;
    s) scn=$OPTARG ;;
    j) hogs=$OPTARG ;;
    t) timeout_s=$OPTARG ;;
    *) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 4 ;;
    esac
done
for v in "$runs" "$hogs" "$timeout_s"; do
    case "$v" in ''|*[!0-9]*) echo "hostile-load.sh: '$v' is not a number" >&2; exit 4 ;; esac
done

make -s all >&2
out=build/hostile-load
mkdir -p "$out"
rm -f "$out"/run-*.log

# The load, in a session of its own so that it ends whole: busy loops, and
# a second QEMU (its output thrown away).
setsid bash -c "for i in \$(seq $hogs); do ( while :; do :; done ) & done
    while :; do ./run-qemu.sh demo --no-build --timeout 600 >/dev/null 2>&1; done" &
load=$!
stop_load() { kill -- -$load 2>/dev/null || true; wait $load 2>/dev/null || true; }
trap stop_load EXIT

declare -A tally=()
failed=0
t0=$(date +%s)
for i in $(seq "$runs"); do
    log=$out/run-$i.log
    set +e
    ./run-qemu.sh "$scn" --no-build --timeout "$timeout_s" >"$log" 2>&1
    rc=$?
    set -e
    tally[$rc]=$(( ${tally[$rc]:-0} + 1 ))
    if [ $rc = 0 ]; then
        rm -f "$log"
    else
        failed=$((failed + 1))
        echo "hostile-load.sh: run $i exited $rc (console in $log)" >&2
    fi
done
stop_load
trap - EXIT

summary="hostile-load.sh: $scn: $runs runs under $hogs hogs + a second QEMU in $(( $(date +%s) - t0 )) s:"
for rc in $(printf '%s\n' "${!tally[@]}" | sort -n); do
    summary+=" exit$rc=${tally[$rc]}"
done
echo "$summary hangs=$(( ${tally[5]:-0} + ${tally[3]:-0} )) failed=$failed"
[ $failed = 0 ]
