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
