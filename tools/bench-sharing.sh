#!/usr/bin/env bash
# bench-sharing.sh - the page-sharing benchmarks of docs/benchmarks.md.
#
# Boots every benchmark scenario of test-images/bench/ under --icount
# (qemu -icount shift=0,sleep=off: the TSC counts instructions, so every
# figure repeats exactly), keeps the consoles in build/bench/logs/, extracts
# the figures into build/bench/*.txt, draws the sharing-over-time plot
# (tools/plot-sharing.sh) and prints build/bench/summary.txt.
#
#   tools/bench-sharing.sh              build what the benchmarks need, run all
#   tools/bench-sharing.sh --no-build   use the existing build
#   tools/bench-sharing.sh --no-run     only re-extract the tables from the logs
#   tools/bench-sharing.sh --jobs N     QEMUs at once (default 2; figures do
#                                       not depend on it)
#
# About a minute on two cores (twelve runs). Exit status 0 if every run passed and
# every table could be made (the issue targets met or not: see summary.txt).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

build=1 run=1 jobs=2
while [ $# -gt 0 ]; do
    case "$1" in
    --no-build) build=0 ;;
    --no-run) run=0 build=0 ;;
    --jobs) jobs=${2:?--jobs needs a number}; shift ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
quiet="pages_to_scan=8192 sleep_millisecs=1000"
runs=(
    "idle|$bench/share-idle.scn|share_audit"
    "paced|$bench/share-idle.scn|share_audit pages_to_scan=64 sleep_millisecs=50"
    "alloc-on|$bench/alloc-share.scn|$quiet"
    "alloc-on-default|$bench/alloc-share.scn|"
    "alloc-off|$bench/alloc-noshare.scn|"
    "alloc-on-base|$out/scn/alloc-share-base.scn|$quiet"
    "alloc-off-base|$out/scn/alloc-noshare-base.scn|"
    "build-on|$bench/build-share.scn|"
    "build-off|$bench/build-noshare.scn|"
    "build-on-base|$out/scn/build-share-base.scn|"
    "build-off-base|$out/scn/build-noshare-base.scn|"
    "timeline|$bench/build-timeline.scn|"
)

for s in share noshare; do
    sed -E 's/,alloc_write\+[0-9]+//' "$bench/alloc-$s.scn" > "$out/scn/alloc-$s-base.scn"
    sed -E 's/,build"/"/' "$bench/build-$s.scn" > "$out/scn/build-$s-base.scn"
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
QUIET=$quiet perl - "$out" <<'PERL'
use strict;
use warnings;

my $out = shift;
my $logs = "$out/logs";

# The cost model: cycles an event costs on hardware beyond the one or few
# instructions that qemu -icount charges for it (docs/benchmarks.md gives
# the sources). Page copies, clears, hashes and compares are loops whose
# instructions icount already counts: no extra.
my %model = (
    central => { trap => 300,  hypercall => 300,  irq => 300,  cr3 => 600,  invlpg => 350 },
    low     => { trap => 100,  hypercall => 100,  irq => 100,  cr3 => 100,  invlpg => 100 },
    high    => { trap => 1200, hypercall => 1200, irq => 1200, cr3 => 2000, invlpg => 500 },
);

sub kv {
    my ($s) = @_; # a copy: callers pass $1, which our own match resets
    my %h;
    $h{$1} = $2 while $s =~ /(\w+)=(\S+)/g;
    return \%h;
}

sub readlog {
    my ($name) = @_;
    my $f = "$logs/$name.log";
    open(my $fh, '<', $f) or die "bench-sharing: no $f (run without --no-run)\n";
    my @l = map { s/\r?\n$//r } <$fh>;
    close $fh;
    die "bench-sharing: $f: no passing VERDICT\n" unless grep { /VERDICT .*result=pass/ } @l;
    my %r = (lines => \@l, share => [], audit => {}, stats => {}, dom => {});
    for my $i (0 .. $#l) {
        local $_ = $l[$i];
        if (/^\(hv\) time: TSC (\d+) kHz/) { $r{hz} = $1 * 1000 }
        elsif (/^\(hv\) share: page costs in cycles: (.*)/) { $r{hash} = kv($1) }
        elsif (/^\(hv\) SHARE (round=.*)/) { my $h = kv($1); $h->{idx} = $i; push @{ $r{share} }, $h }
        elsif (/^\(hv\) SHARE-AUDIT (.*)/) { my $h = kv($1); $r{audit}{ $h->{round} } = $h }
        elsif (/^\(hv\) SHARE-DOMAIN (d\d+) (.*)/) { $r{dom}{$1}{sd} = kv($2) }
        elsif (/^\(hv\) STATS (.*)/) { my $h = kv($1); $r{stats}{$_} = $h->{$_} for keys %$h }
        elsif (/^\((d\d+)\) # unpack: (.*)/) { $r{dom}{$1}{unpack} = kv($2) }
        elsif (/^\((d\d+)\) # alloc_write: pages=(\d+) first_pass_cycles=(\d+) per_page=(\d+) second_pass_cycles=(\d+) per_page=(\d+)/) {
            $r{dom}{$1}{aw} = { pages => $2, first => $3, first_pp => $4, second => $5, second_pp => $6 };
        }
        elsif (/^\((d\d+)\) # build: units=(.*)/) { $r{dom}{$1}{build} = kv("units=$2"); $r{dom}{$1}{build}{idx} = $i }
        elsif (/^\((d\d+)\) # build: \d+ of \d+ compiled tsc=(\d+)/) { push @{ $r{dom}{$1}{stamps} }, [ $i, $2 ] }
        elsif (/^\((d\d+)\) init: running \/bin\/(\S+)/) { push @{ $r{dom}{$1}{prog} }, { name => $2, run_idx => $i } }
        elsif (/^\((d\d+)\) init: (\S+) exited with status \d+ after ([\d.]+) s/) {
            my $p = $r{dom}{$1}{prog}[-1];
            $p->{secs} = $3;
            $p->{exit_idx} = $i;
        }
    }
    # Hypercalls, traps... as the cost model names them.
    my $s = $r{stats};
    $r{ev} = {
        trap      => $s->{traps} // 0,
        hypercall => $s->{hypercalls} // 0,
        irq       => $s->{irqs} // 0,
        cr3       => ($s->{cr3_loads} // 0) + ($s->{tlb_flushes} // 0),
        invlpg    => $s->{invlpgs} // 0,
        page_copies => $s->{page_copies} // 0, page_clears => $s->{page_clears} // 0,
        page_hashes => $s->{page_hashes} // 0, page_compares => $s->{page_compares} // 0,
        sharing_op => $s->{sharing_op} // 0,
    };
    return \%r;
}

sub extra {
    my ($ev, $m) = @_;
    my $c = $model{$m};
    my $x = 0;
    $x += $ev->{$_} * $c->{$_} for keys %$c;
    return $x;
}

sub evdiff {
    my ($a, $b) = @_;
    return { map { $_ => $a->{ev}{$_} - $b->{ev}{$_} } keys %{ $a->{ev} } };
}

sub wr {
    my ($file, $text) = @_;
    open(my $fh, '>', "$out/$file") or die "$out/$file: $!\n";
    print $fh $text;
    close $fh;
}

sub r2 { sprintf("%.2f", $_[0]) }
sub r3 { sprintf("%.3f", $_[0]) }
sub r4 { sprintf("%.4f", $_[0]) }

my %R = map { $_ => readlog($_) } qw(idle paced alloc-on alloc-on-default alloc-off alloc-on-base
    alloc-off-base build-on build-off build-on-base build-off-base timeline);
my @summary;
sub target {
    my ($what, $measured, $cmp, $goal) = @_;
    my $met = $cmp eq '<=' ? $measured <= $goal : $measured >= $goal;
    push @summary, sprintf("%-58s %-9s %s %-6s %s", $what, $measured, $cmp, $goal,
                           $met ? "met" : "MISSED");
}

# --- Hash costs -----------------------------------------------------------------
my $h = $R{idle}{hash} or die "bench-sharing: no 'page costs' line in idle.log\n";
my $t = "# Cost of one 4 KiB page in the hypervisor (measure_hash(), hv/common/share_scan.c),\n"
      . "# under qemu -icount: instructions. Built -m32 -O2 -march=i686, xxhash.h XXH_INLINE_ALL.\n"
      . sprintf("%-10s %10s %10s\n", "function", "cycles", "vs_xxh32");
for my $k (qw(xxh32 xxh64 xxh3_64 compare)) {
    $t .= sprintf("%-10s %10d %10s\n", $k, $h->{$k}, r2($h->{$k} / $h->{xxh32}));
}
wr("hash.txt", $t);

# --- (a) sharing percentage ---------------------------------------------------------
$t = "# (a) Four 32 MiB guests, unpack then 8 s idle (share-idle.scn, share_audit).\n"
   . "# saved = sharing_pfns - shared_mfns; max_saving: the audit's exhaustive compare of\n"
   . "# every eligible page. nonfree = guest_pages - the free pages unpack reported.\n";
my %first;
for my $run (qw(idle paced)) {
    my $r = $R{$run};
    my $free = 0;
    $free += $_->{unpack}{free_pages} for grep { $_->{unpack} } values %{ $r->{dom} };
    $t .= sprintf("\n# run %s\n%-6s %7s %12s %11s %6s %10s %9s %10s %12s\n", $run, "print",
                  "round", "sharing_pfns", "shared_mfns", "saved", "max_saving",
                  "saved/max", "shared/all", "shared/nonfree");
    my $n = 0;
    for my $s (grep { $_->{at} eq 'round' } @{ $r->{share} }) {
        my $a = $r->{audit}{ $s->{round} } or next;
        my $nonfree = $s->{guest_pages} - $free;
        my $row = {
            round => $s->{round}, saved => $s->{saved}, max => $a->{max_saving},
            frac => $a->{max_saving} ? $s->{saved} / $a->{max_saving} : 0,
            all => $s->{sharing_pfns} / $s->{guest_pages},
            nonfree => $s->{sharing_pfns} / $nonfree, nonfree_pages => $nonfree,
            s => $s,
        };
        push @{ $first{$run} }, $row;
        $t .= sprintf("%-6d %7d %12d %11d %6d %10d %9s %10s %12s\n", ++$n, $s->{round},
                      $s->{sharing_pfns}, $s->{shared_mfns}, $s->{saved}, $a->{max_saving},
                      r3($row->{frac}), r3($row->{all}), r3($row->{nonfree}));
    }
    $t .= sprintf("# guest_pages=%d, free after unpack=%d, nonfree=%d\n",
                  $first{$run}[0]{s}{guest_pages}, $free, $first{$run}[0]{nonfree_pages});
}
wr("sharing.txt", $t);
my $last_idle = $first{idle}[-1];

# --- (d) scanner cost ---------------------------------------------------------------
$t = "# (d) Scanner cycles per page hashed (SHARE scan_cycles_per_page, cumulative) over the\n"
   . "# raw XXH32 cost (hash_cycles_per_page). interval: the same ratio between two printed\n"
   . "# rounds. visits: the scanner's walk also pays for pfns it skips.\n";
my %scan;
for my $run (qw(idle paced)) {
    my $r = $R{$run};
    $t .= sprintf("\n# run %s\n%7s %13s %9s %20s %10s %10s\n", $run, "round", "pages_scanned",
                  "skipped", "scan_cycles_per_page", "ratio", "interval");
    my ($pc, $pp);
    for my $s (grep { $_->{at} eq 'round' } @{ $r->{share} }) {
        my $cyc = $s->{scan_cycles_per_page} * $s->{pages_scanned};
        my $iv = defined $pc && $s->{pages_scanned} > $pp
            ? r2(($cyc - $pc) / ($s->{pages_scanned} - $pp) / $s->{hash_cycles_per_page}) : "-";
        my $ratio = $s->{scan_cycles_per_page} / $s->{hash_cycles_per_page};
        push @{ $scan{$run} }, $ratio;
        $t .= sprintf("%7d %13d %9d %20d %10s %10s\n", $s->{round}, $s->{pages_scanned},
                      $s->{skipped}, $s->{scan_cycles_per_page}, r2($ratio), $iv);
        ($pc, $pp) = ($cyc, $s->{pages_scanned});
    }
}
wr("scanner.txt", $t);

# --- Events, modelled cycles ------------------------------------------------------------
sub events_table {
    my ($title, $on, $off) = @_;
    my $s = "# $title: costly events the measured program caused (its run minus the\n"
          . "# same run without it), with and without sharing\n"
          . sprintf("%-14s %12s %12s %12s\n", "event", "sharing", "no_sharing", "difference");
    for my $k (qw(trap hypercall irq cr3 invlpg sharing_op page_copies page_clears
                  page_hashes page_compares)) {
        $s .= sprintf("%-14s %12d %12d %12d\n", $k, $on->{$k}, $off->{$k}, $on->{$k} - $off->{$k});
    }
    return $s;
}

# --- (b) alloc_write over shared pages -------------------------------------------------
my ($on, $off) = ($R{'alloc-on'}, $R{'alloc-off'});
$t = "# (b) alloc_write+900 in four 8 MiB guests, one at a time, after unpack and an idle\n"
   . "# spell (alloc-share.scn / alloc-noshare.scn). first: first-pass cycles (every write\n"
   . "# faults a page in); discards: pages handed back from a shared frame with a\n"
   . "# discarding CoW break (SHARE-DOMAIN). sharing: scanner knobs $ENV{QUIET};\n"
   . "# sharing_default: the default knobs (pages_to_scan=256 sleep_millisecs=0).\n"
   . sprintf("%-5s %14s %9s %9s %16s %14s %9s %8s %8s\n", "guest", "first_sharing", "per_page",
             "discards", "first_sh_default", "first_no_share", "per_page", "ratio", "ratio_df");
my ($son, $sdf, $soff) = (0, 0, 0);
my $def = $R{'alloc-on-default'};
for my $d (sort keys %{ $on->{dom} }) {
    my ($a, $b, $c) = ($on->{dom}{$d}{aw}, $off->{dom}{$d}{aw}, $def->{dom}{$d}{aw});
    next unless $a && $b && $c;
    $son += $a->{first};
    $soff += $b->{first};
    $sdf += $c->{first};
    $t .= sprintf("%-5s %14d %9d %9d %16d %14d %9d %8s %8s\n", $d, $a->{first}, $a->{first_pp},
                  $on->{dom}{$d}{sd}{discards} // 0, $c->{first}, $b->{first}, $b->{first_pp},
                  r3($a->{first} / $b->{first}), r3($c->{first} / $b->{first}));
}
my ($aw_ratio, $aw_default) = ($son / $soff, $sdf / $soff);
$t .= sprintf("%-5s %14d %9s %9s %16d %14d %9s %8s %8s\n", "all", $son, "", "", $sdf, $soff, "",
              r3($aw_ratio), r3($aw_default));
my ($eon, $eoff) = (evdiff($on, $R{'alloc-on-base'}), evdiff($off, $R{'alloc-off-base'}));
$t .= "\n" . events_table("alloc_write", $eon, $eoff);
$t .= "\n# modelled cycles: first-pass instructions + events x cost (model low/central/high)\n";
my %aw_model;
for my $m (qw(low central high)) {
    my ($x, $y) = ($son + extra($eon, $m), $soff + extra($eoff, $m));
    $aw_model{$m} = $x / $y;
    $t .= sprintf("%-8s %14.0f %14.0f %8s\n", $m, $x, $y, r3($x / $y));
}
wr("alloc.txt", $t);

# --- (c) build ----------------------------------------------------------------------
($on, $off) = ($R{'build-on'}, $R{'build-off'});
$t = "# (c) build in four 32 MiB guests at once, after unpack and 3 s idle\n"
   . "# (build-share.scn / build-noshare.scn): build's own TSC cycles per guest, and the\n"
   . "# span from the first build's start to the last one's end.\n"
   . sprintf("%-5s %14s %14s %8s\n", "guest", "sharing", "no_sharing", "ratio");
my (%span, @ratios);
for my $run ($on, $off) {
    my ($lo, $hi);
    for my $b (map { $_->{build} } grep { $_->{build} } values %{ $run->{dom} }) {
        $lo = $b->{tsc_start} if !defined $lo || $b->{tsc_start} < $lo;
        $hi = $b->{tsc_end} if !defined $hi || $b->{tsc_end} > $hi;
    }
    $span{$run} = $hi - $lo;
}
for my $d (sort keys %{ $on->{dom} }) {
    my ($a, $b) = ($on->{dom}{$d}{build}, $off->{dom}{$d}{build});
    next unless $a && $b;
    push @ratios, $a->{cycles} / $b->{cycles};
    $t .= sprintf("%-5s %14d %14d %8s\n", $d, $a->{cycles}, $b->{cycles}, r3($a->{cycles} / $b->{cycles}));
}
my $build_ratio = $span{$on} / $span{$off};
# Noise: the four no-sharing guests do the same work at the same time.
my @offc = sort { $a <=> $b } map { $_->{build}{cycles} } grep { $_->{build} } values %{ $off->{dom} };
my $spread = $offc[-1] / $offc[0];
$t .= sprintf("%-5s %14d %14d %8s\n", "span", $span{$on}, $span{$off}, r3($build_ratio));
$t .= sprintf("# noise: the no-sharing guests' builds (same work, same time) differ by %s (max/min)\n",
              r3($spread));
($eon, $eoff) = (evdiff($on, $R{'build-on-base'}), evdiff($off, $R{'build-off-base'}));
$t .= "\n" . events_table("build", $eon, $eoff);
$t .= "\n# modelled cycles: span + events x cost (model low/central/high)\n";
my %build_model;
for my $m (qw(low central high)) {
    my ($x, $y) = ($span{$on} + extra($eon, $m), $span{$off} + extra($eoff, $m));
    $build_model{$m} = $x / $y;
    $t .= sprintf("%-8s %14.0f %14.0f %8s\n", $m, $x, $y, r3($x / $y));
}
wr("build.txt", $t);

# --- (e) sharing over time ---------------------------------------------------------------
# Guest time of each console line: build's TSC stamps, and init's "X exited after T s"
# lines chained from them (each program starts where the last one ended).
my $r = $R{timeline};
my $hz = $r->{hz} or die "bench-sharing: no TSC frequency in timeline.log\n";
my (@anchor, @phase);
for my $d (sort keys %{ $r->{dom} }) {
    my $g = $r->{dom}{$d};
    my $b = $g->{build} or next;
    my @p = @{ $g->{prog} };
    my ($kb) = grep { $p[$_]{name} eq 'build' } 0 .. $#p;
    next unless defined $kb;
    $p[$kb]{start} = $b->{tsc_start} / $hz;
    $p[$_]{start} = $p[$_ - 1]{start} + $p[$_ - 1]{secs} for $kb + 1 .. $#p;
    $p[$_]{start} = $p[$_ + 1]{start} - $p[$_]{secs} for reverse 0 .. $kb - 1;
    for my $q (@p) {
        push @anchor, [ $q->{run_idx}, $q->{start} ];
        push @anchor, [ $q->{exit_idx}, $q->{start} + $q->{secs} ] if defined $q->{exit_idx};
    }
    push @anchor, map { [ $_->[0], $_->[1] / $hz ] } @{ $g->{stamps} || [] };
    push @anchor, [ $b->{idx}, $b->{tsc_end} / $hz ];
    push @phase, [ $d, $b->{tsc_start} / $hz, $b->{tsc_end} / $hz ];
}
@anchor = sort { $a->[0] <=> $b->[0] } @anchor;
sub at_time {
    my ($i) = @_;
    my ($p, $n);
    for (@anchor) { if ($_->[0] <= $i) { $p = $_ } elsif (!$n) { $n = $_ } }
    return $n->[1] unless $p;
    return $p->[1] unless $n;
    return $p->[1] + ($n->[1] - $p->[1]) * ($i - $p->[0]) / ($n->[0] - $p->[0]);
}
my ($b0, $b1);
for (@phase) {
    $b0 = $_->[1] if !defined $b0 || $_->[1] < $b0;
    $b1 = $_->[2] if !defined $b1 || $_->[2] > $b1;
}
$t = "# (e) Sharing over time, build workload (build-timeline.scn): each SHARE line printed\n"
   . "# after a scan round, placed in guest time (since power-on) by the guests' timed lines\n"
   . "# around it. No round ends while the guests build (the scanner runs only when the\n"
   . "# cpu is idle), so the plot's line is broken over the build.\n"
   . "# time_s   round sharing_pfns   saved guest_pages shared_% saved_%\n";
my $dat = "# time_s shared_pct saved_pct (a blank line: no round ended during the build)\n";
my $before = 1;
my ($all) = sort { $b <=> $a } map { $_->{guest_pages} } @{ $r->{share} };
# Rounds while every guest runs (the last ones may follow a guest's exit).
for my $s (grep { $_->{at} eq 'round' && $_->{guest_pages} == $all } @{ $r->{share} }) {
    my $ts = at_time($s->{idx});
    my ($pct, $spct) = map { 100 * $_ / $s->{guest_pages} } $s->{sharing_pfns}, $s->{saved};
    $t .= sprintf("%8.3f %7d %12d %7d %11d %8.1f %8.1f\n", $ts, $s->{round}, $s->{sharing_pfns},
                  $s->{saved}, $s->{guest_pages}, $pct, $spct);
    if ($before && defined $b0 && $ts > $b0) {
        $dat .= "\n";
        $before = 0;
    }
    $dat .= sprintf("%.3f %.2f %.2f\n", $ts, $pct, $spct);
}
$t .= sprintf("# build %s: %.3f s to %.3f s\n", @$_) for @phase;
wr("timeline.txt", $t);
wr("timeline.dat", $dat);
wr("timeline-phases.dat", sprintf("%.3f %.3f\n", $b0, $b1));

# --- Summary ------------------------------------------------------------------------------
my $costs = "# Cost model (cycles beyond icount's instructions per event; docs/benchmarks.md):\n";
for my $m (qw(low central high)) {
    $costs .= sprintf("%-8s %s\n", $m, join(" ", map { "$_=$model{$m}{$_}" } sort keys %{ $model{$m} }));
}
wr("costs.txt", $costs);

my ($i1, $i2) = @{ $first{paced} }[0, 1];
my ($d1, $d2) = @{ $first{idle} }[0, 1];
push @summary, sprintf("%-58s %s", "share-idle, default knobs: saved/max_saving, 1st and 2nd print",
                       sprintf("%s (round %d), %s (round %d)", r3($d1->{frac}), $d1->{round},
                               r3($d2->{frac}), $d2->{round}));
push @summary, sprintf("%-58s %s", "share-idle, paced: saved/max_saving after rounds 1, 2",
                       sprintf("%s, %s", r3($i1->{frac}), r3($i2->{frac})));
target("(a) sharing_pfns/guest_pages after idle (aim 0.85)", r3($last_idle->{all}), '>=', 0.68);
push @summary, sprintf("%-58s %s", "    the same over non-free guest pages", r3($last_idle->{nonfree}));
target("(b) alloc_write first pass, sharing/no sharing", r3($aw_ratio), '<=', 1.05);
push @summary, sprintf("%-58s %s", "    with the default scanner knobs", r3($aw_default));
push @summary, sprintf("%-58s %s", "    modelled (low, central, high)",
                       join(", ", map { r3($aw_model{$_}) } qw(low central high)));
target("(c) build span, sharing/no sharing", r3($build_ratio), '<=', 1.01);
push @summary, sprintf("%-58s %s", "    per guest build cycles", join(", ", map { r3($_) } @ratios));
push @summary, sprintf("%-58s %s", "    noise: no-sharing guests' build cycles, max/min", r3($spread));
push @summary, sprintf("%-58s %s", "    modelled (low, central, high)",
                       join(", ", map { r3($build_model{$_}) } qw(low central high)));
target("(d) scan/hash cycles per page, paced, after round 1", r2($scan{paced}[0]), '<=', 1.25);
push @summary, sprintf("%-58s %s", "    paced, last round; default knobs, round 1 and last",
                       join(", ", r2($scan{paced}[-1]), r2($scan{idle}[0]), r2($scan{idle}[-1])));
push @summary, sprintf("%-58s %s", "hash per page: xxh64/xxh32, xxh3_64/xxh32, compare/xxh32",
                       join(", ", map { r2($h->{$_} / $h->{xxh32}) } qw(xxh64 xxh3_64 compare)));
wr("summary.txt", join("\n", @summary) . "\n");
PERL

tools/plot-sharing.sh "$out/timeline.dat" "$out/timeline-phases.dat" "$out/sharing-over-time.png"

echo "tables in $out/: summary sharing scanner alloc build timeline hash costs (.txt)"
echo "plot: $out/sharing-over-time.png"
echo
cat "$out/summary.txt"
