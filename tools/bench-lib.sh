# bench-lib.sh - what the benchmark scripts share; sourced, not run.

# bench_build: what a benchmark runs on - the packages, then the tree.
bench_build() {
    tools/install-deps.sh
    make -s all >&2
}

# bench_provenance COMMAND: the line a benchmark's logs carry: the commit,
# whether the tree had changes not committed, the date, the command.
bench_provenance() {
    local dirty=""
    if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
        dirty=", with uncommitted changes"
    fi
    echo "logs of commit $(git rev-parse --short HEAD)$dirty, run $(date -u '+%F %T') UTC, command $1"
}

# bench_icount_run SCRIPT SCENARIO LOG [HV-ARG...]: one run under --icount
# with the fixed hash seed, its console in LOG (carriage returns gone); a
# run that fails ends the benchmark, naming its log.
bench_icount_run() {
    local script=$1 scn=$2 log=$3
    shift 3
    ./run-qemu.sh "$scn" --icount --no-build --timeout 3000 \
        --hv-args "share_seed=1234567 $*" > "$log" 2>&1 ||
        { echo "$script: the run of $scn failed; see $log" >&2; exit 1; }
    sed -i 's/\r$//' "$log"
}
