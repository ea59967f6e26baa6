#!/usr/bin/env bash
# integrity-long.sh - the long integrity run (issue 15, item 6; the short
# one is test-images/integrity.scn in make test): three guests of one share
# group make CYCLES share/CoW-break cycles each (default 10^5) on the same
# six blocks, checking every word they read, write and own after every
# cycle (guest-pv/tests/blk.c, cycles=). Passes if not one word is wrong,
# the audits are clean and no frame leaks. Writes build/bench/integrity.txt.
#   tools/integrity-long.sh [--cycles N] [--no-build]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. tools/bench-lib.sh
cycles=100000 build=1
while [ $# -gt 0 ]; do
    case "$1" in
    --cycles) cycles=${2:?--cycles needs a number}; shift ;;
    --no-build) build=0 ;;
    *) echo "integrity-long.sh: unknown option '$1'" >&2; exit 4 ;;
    esac
    shift
done
case "$cycles" in ''|*[!0-9]*) echo "integrity-long.sh: --cycles '$cycles' is not a number" >&2; exit 4 ;; esac
out=build/bench
mkdir -p "$out/scn"
[ $build = 1 ] && bench_build
scn=$out/scn/integrity-long.scn
sed -e "s/cycles=3000/cycles=$cycles/" -e '/^# test-/d' test-images/integrity.scn > "$scn"
log=$out/integrity-long.log
t0=$(date +%s)
if ./run-qemu.sh "$scn" --no-build --timeout 7200 > "$log" 2>&1; then r=pass; else r="FAIL ($?)"; fi
sed -i 's/\r$//' "$log"
{
    echo "# $cycles cycles a guest, 3 guests: $r in $(( $(date +%s) - t0 )) s (commit $(git rev-parse --short HEAD))"
    grep -o 'integrity: .*' "$log"
    grep -o 'VERDICT.*' "$log"
} | tee "$out/integrity.txt"
[ "$r" = pass ]
