#!/usr/bin/env bash
# fuzz-long.sh - the long hypercall fuzz (issue 15, item 5; the short one
# is test-images/fuzz.scn in make test): three PV fuzzers
# (guest-pv/tests/fuzz.c; with --shadow the third runs in shadow mode),
# CALLS hypercalls each (default 10^6), beside
# a worker that checks its own memory, for each seed base given (default
# 1). Passes if no hypervisor panic, every domain powers off, the
# fuzzers' audits are clean and no frame leaks. Writes build/bench/fuzz.txt.
#   tools/fuzz-long.sh [--calls N] [--seeds "S1 S2 ..."] [--shadow] [--no-build]
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
. tools/bench-lib.sh
calls=1000000 seeds=1 build=1 mode3=pv
while [ $# -gt 0 ]; do
    case "$1" in
    --calls) calls=${2:?--calls needs a number}; shift ;;
    --seeds) seeds=${2:?--seeds needs a list}; shift ;;
    --no-build) build=0 ;;
    --shadow) mode3=shadow ;;
    *) echo "fuzz-long.sh: unknown option '$1'" >&2; exit 4 ;;
    esac
    shift
done
case "$calls" in ''|*[!0-9]*) echo "fuzz-long.sh: --calls '$calls' is not a number" >&2; exit 4 ;; esac
out=build/bench
mkdir -p "$out/scn" "$out/fuzz-logs"
[ $build = 1 ] && bench_build
rc=0
: > "$out/fuzz.txt"
for s in $seeds; do
    case "$s" in ''|*[!0-9]*) echo "fuzz-long.sh: seed '$s' is not a number" >&2; exit 4 ;; esac
    scn=$out/scn/fuzz-long-$s.scn
    cat > "$scn" <<EOS
# written by tools/fuzz-long.sh
domain name=fuzz1 kernel=fuzz.elf mem=8M cmdline="seed=$((s * 3)) calls=$calls"
domain name=fuzz2 kernel=fuzz.elf mem=8M cmdline="seed=$((s * 3 + 1)) calls=$calls"
domain name=fuzz3 kernel=fuzz.elf mem=8M mode=$mode3 cmdline="seed=$((s * 3 + 2)) calls=$calls"
domain name=w1 kernel=worker.elf mem=8M cmdline="rounds=400 pages=256"
EOS
    log=$out/fuzz-logs/seed-$s.log
    t0=$(date +%s)
    if ./run-qemu.sh "$scn" --no-build --timeout 7200 > "$log" 2>&1; then r=pass; else r="FAIL ($?)"; rc=1; fi
    sed -i 's/\r$//' "$log"
    {
        echo "seed base $s: $r in $(( $(date +%s) - t0 )) s; $(grep -c 'fuzz: done' "$log") of 3 fuzzers done"
        grep -o 'fuzz: done: .*' "$log" | sed 's/^/  /'
        grep -o 'VERDICT.*' "$log" | sed 's/^/  /'
    } | tee -a "$out/fuzz.txt"
done
exit $rc
