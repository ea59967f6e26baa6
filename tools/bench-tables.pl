#!/usr/bin/env perl
# bench-tables.pl - the tables of docs/benchmarks.md, from the consoles of the
# benchmark runs that tools/bench-sharing.sh keeps.
#
#   tools/bench-tables.pl [OUT_DIR]     (default build/bench, in the repository)
#
# Reads OUT_DIR/logs/*.log (one console per run, named as the runs of
# bench-sharing.sh) and the cost model tools/bench-costs.txt, and writes
# into OUT_DIR: summary.txt (the targets, met or not), modes.txt (PV against
# shadow), sharing.txt, scanner.txt, alloc.txt, build.txt, timeline.txt
# (alloc, build and timeline also -shadow.txt), timeline{,-shadow}.dat and
# timeline{,-shadow}-phases.dat (for tools/plot-sharing.sh), hash.txt and
# costs.txt; then prints summary.txt. Each file starts with a provenance
# comment line: the commit of the tree the logs were made with (and whether
# it had uncommitted changes), the date of the run and its command, from
# OUT_DIR/logs/PROVENANCE ("unknown" without it). A program of its own so
# that the tables can be made again from kept logs without booting anything
# (what `tools/bench-sharing.sh --no-run` does).
#
# QUIET: the scanner knobs of the alloc-on runs, as alloc.txt names them
# (bench-sharing.sh sets it); without it, the knobs the alloc-on run's
# hypervisor printed. Exit status 0 if every table could be made.
use strict;
use warnings;
use FindBin;

# Paths as the shell scripts take them: relative to the repository's top
# unless OUT_DIR is given.
my $out = shift;
unless (defined $out) {
    chdir "$FindBin::RealBin/.." or die "bench-tables.pl: $FindBin::RealBin/..: $!\n";
    $out = 'build/bench';
}
if ($out =~ /^-/ || @ARGV) {
    # -h, --help or a wrong call: the header above.
    open(my $me, '<', $0) or die "bench-tables.pl: $0: $!\n";
    my @h;
    while (<$me>) { next if $. == 1; last unless /^#/; push @h, $_ }
    my $help = $out =~ /^-(h|-help)$/ && !@ARGV;
    print { $help ? *STDOUT : *STDERR } map { s/^# ?//r } @h;
    exit($help ? 0 : 2);
}
my $logs = "$out/logs";

# The cost model: cycles an event costs on hardware beyond the one or few
# instructions that qemu -icount charges for it, $model{low|central|high}{event},
# from tools/bench-costs.txt (the figures and their sources are kept there
# only).
my @MODELS = qw(low central high);
# The events readlog() counts, in the order the tables list them.
my @EVKEYS = qw(trap hypercall irq cr3 invlpg sharing_op cow_breaks faults_fixed page_copies
                page_clears page_hashes page_compares);
my $COSTS = "$FindBin::RealBin/bench-costs.txt";
my %model = map { $_ => {} } @MODELS;
{
    open(my $fh, '<', $COSTS) or die "bench-tables.pl: $COSTS: $!\n";
    my %known = map { $_ => 1 } @EVKEYS;
    while (my $line = <$fh>) {
        next if $line =~ /^\s*(#|$)/;
        my ($ev, @c) = $line =~ /^\s*(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\|\s*\S/
            or die "bench-tables.pl: $COSTS:$.: not EVENT LOW CENTRAL HIGH | SOURCE\n";
        next if $ev eq 'devread'; # tools/bench-disk.pl's
        die "bench-tables.pl: $COSTS:$.: unknown event '$ev'\n" unless $known{$ev};
        die "bench-tables.pl: $COSTS:$.: '$ev' given twice\n" if exists $model{central}{$ev};
        die "bench-tables.pl: $COSTS:$.: '$ev' not LOW <= CENTRAL <= HIGH\n"
            unless $c[0] <= $c[1] && $c[1] <= $c[2];
        $model{ $MODELS[$_] }{$ev} = $c[$_] + 0 for 0 .. 2;
    }
    close $fh;
    die "bench-tables.pl: $COSTS: no event\n" unless %{ $model{central} };
}
my @MODES = ([ '', 'pv' ], [ '-shadow', 'shadow' ]);

sub kv {
    my ($s) = @_; # a copy: callers pass $1, which our own match resets
    my %h;
    $h{$1} = $2 while $s =~ /(\w+)=(\S+)/g;
    return \%h;
}

sub readlog {
    my ($name) = @_;
    my $f = "$logs/$name.log";
    open(my $fh, '<', $f) or die "bench-tables.pl: no $f (run tools/bench-sharing.sh)\n";
    my @l = map { s/\r?\n$//r } <$fh>;
    close $fh;
    die "bench-tables.pl: $f: no passing VERDICT\n" unless grep { /VERDICT .*result=pass/ } @l;
    my %r = (lines => \@l, share => [], audit => {}, stats => {}, dom => {}, shadow => {});
    for my $i (0 .. $#l) {
        local $_ = $l[$i];
        if (/^\(hv\) time: TSC (\d+) kHz/) { $r{hz} = $1 * 1000 }
        elsif (/^\(hv\) share: XXH32 .*; (pages_to_scan=\d+ sleep_millisecs=\d+)$/) { $r{knobs} = $1 }
        elsif (/^\(hv\) share: page costs in cycles: (.*)/) { $r{hash} = kv($1) }
        elsif (/^\(hv\) SHARE (round=.*)/) { my $h = kv($1); $h->{idx} = $i; push @{ $r{share} }, $h }
        elsif (/^\(hv\) SHARE-AUDIT (.*)/) { my $h = kv($1); $r{audit}{ $h->{round} } = $h }
        elsif (/^\(hv\) SHARE-DOMAIN (d\d+) (.*)/) { $r{dom}{$1}{sd} = kv($2) }
        elsif (/^\(hv\) SHADOW domain=\d+ (.*)/) { my $h = kv($1); $r{shadow}{$_} += $h->{$_} for keys %$h }
        elsif (/^\(hv\) STATS (.*)/) { my $h = kv($1); $r{stats}{$_} = $h->{$_} for keys %$h }
        elsif (/^\((d\d+)\) # unpack: (.*)/) { $r{dom}{$1}{unpack} = kv($2) }
        elsif (/^\((d\d+)\) # alloc_write: pages=(\d+) first_pass_cycles=(\d+) per_page=(\d+) second_pass_cycles=(\d+) per_page=(\d+)/) {
            $r{dom}{$1}{aw} = { pages => $2, first => $3, first_pp => $4, second => $5, second_pp => $6 };
        }
        elsif (/^\((d\d+)\) # (fork_test|exec_test): \w+=(\d+) seconds=([\d.]+) rate=([\d.]+)\/s/) {
            $r{dom}{$1}{$2} = { n => $3, secs => $4, rate => $5 };
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
    # Hypercalls, traps... as the cost model names them; cow_breaks: the
    # last SHARE line's (every sharing domain since boot); faults_fixed:
    # shadow faults the guest never saw (counted in traps too).
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
        cow_breaks => @{ $r{share} } ? $r{share}[-1]{cow_breaks} : 0,
        faults_fixed => $r{shadow}{faults_fixed} // 0,
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

# Provenance: every table's first line says which tree made the logs, when
# and by what command (logs/PROVENANCE, which bench-sharing.sh writes when
# its runs pass), so that a table quoted or kept elsewhere still says where
# its figures come from.
my $PROVENANCE = do {
    my %p;
    my $note = '';
    if (open(my $fh, '<', "$logs/PROVENANCE")) {
        while (<$fh>) {
            $p{$1} = $2 if /^(\w+)=(.*?)\s*$/;
        }
        close $fh;
    } else {
        $note = " (no logs/PROVENANCE)";
    }
    my $tree = ($p{tree} // '') eq 'clean' ? " (clean tree)"
             : ($p{tree} // '') eq 'dirty' ? " (with uncommitted changes)" : "";
    sprintf("# provenance: logs of commit %s%s, run %s, command %s%s\n", $p{commit} // 'unknown',
            $tree, $p{date} // 'unknown', $p{command} // 'unknown', $note);
};

sub wr {
    my ($file, $text) = @_;
    open(my $fh, '>', "$out/$file") or die "$out/$file: $!\n";
    print $fh $PROVENANCE, $text;
    close $fh;
}

sub r2 { sprintf("%.2f", $_[0]) }
sub r3 { sprintf("%.3f", $_[0]) }
sub r4 { sprintf("%.4f", $_[0]) }

my @names = qw(idle paced idle-shadow);
for my $m (@MODES) {
    push @names, map { "$_$m->[0]" } qw(alloc-on alloc-on-default alloc-off alloc-on-base
        alloc-off-base build-on build-off build-on-base build-off-base timeline forkexec-on
        forkexec-off forkexec-on-fork forkexec-off-fork forkexec-on-base forkexec-off-base);
}
my %R = map { $_ => readlog($_) } @names;
my $quiet = $ENV{QUIET} // $R{'alloc-on'}{knobs} // 'unknown';
my @summary;
sub target {
    my ($what, $measured, $cmp, $goal) = @_;
    my $met = $cmp eq '<=' ? $measured <= $goal : $measured >= $goal;
    push @summary, sprintf("%-58s %-9s %s %-6s %s", $what, $measured, $cmp, $goal,
                           $met ? "met" : "MISSED");
}
sub info { push @summary, sprintf("%-58s %s", @_) }

# --- Hash costs -----------------------------------------------------------------
my $h = $R{idle}{hash} or die "bench-tables.pl: no 'page costs' line in idle.log\n";
my $t = "# Cost of one 4 KiB page in the hypervisor (measure_hash(), hv/common/share_scan.c),\n"
      . "# under qemu -icount: instructions. Built -m32 -O2 -march=i686, xxhash.h XXH_INLINE_ALL.\n"
      . sprintf("%-10s %10s %10s\n", "function", "cycles", "vs_xxh32");
for my $k (qw(xxh32 xxh64 xxh3_64 compare)) {
    $t .= sprintf("%-10s %10d %10s\n", $k, $h->{$k}, r2($h->{$k} / $h->{xxh32}));
}
wr("hash.txt", $t);

# --- (a) sharing percentage ---------------------------------------------------------
# Saved frames not counting the zero frame's pfns: each group's zero frame is
# one shared frame whose list is every pfn found all zero (in shadow mode
# mostly free pages). One share group here.
sub saved_nz {
    my ($s) = @_;
    return $s->{saved} unless $s->{zero_pfns};
    return ($s->{sharing_pfns} - $s->{zero_pfns}) - ($s->{shared_mfns} - 1);
}
$t = "# (a) Four 32 MiB guests, unpack then 8 s idle (share-idle.scn, share_audit; idle-shadow:\n"
   . "# share-idle-shadow.scn, every guest mode=shadow).\n"
   . "# saved = sharing_pfns - shared_mfns; max_saving: the audit's exhaustive compare of\n"
   . "# every eligible page. nonfree = guest_pages - the free pages unpack reported.\n"
   . "# zero_pfns: pfns on the zero frame; saved_nz: saved without them (and the frame).\n";
my %first;
for my $run (qw(idle paced idle-shadow)) {
    my $r = $R{$run};
    my $free = 0;
    $free += $_->{unpack}{free_pages} for grep { $_->{unpack} } values %{ $r->{dom} };
    $t .= sprintf("\n# run %s\n%-6s %7s %12s %11s %6s %10s %9s %10s %12s %9s %8s\n", $run, "print",
                  "round", "sharing_pfns", "shared_mfns", "saved", "max_saving",
                  "saved/max", "shared/all", "shared/nonfree", "zero_pfns", "saved_nz");
    my $n = 0;
    # Rounds printed while every guest is there: a guest that ended takes
    # its pages with it (the scanner's rounds are rare once its domains
    # are quiet, and one may fall after the first guest's exit).
    my ($all) = sort { $b <=> $a } map { $_->{guest_pages} } @{ $r->{share} };
    for my $s (grep { $_->{at} eq 'round' && $_->{guest_pages} == $all } @{ $r->{share} }) {
        my $a = $r->{audit}{ $s->{round} } or next;
        my $nonfree = $s->{guest_pages} - $free;
        my $row = {
            round => $s->{round}, saved => $s->{saved}, max => $a->{max_saving},
            frac => $a->{max_saving} ? $s->{saved} / $a->{max_saving} : 0,
            all => $s->{sharing_pfns} / $s->{guest_pages},
            nonfree => $s->{sharing_pfns} / $nonfree, nonfree_pages => $nonfree,
            nz => saved_nz($s), s => $s,
        };
        push @{ $first{$run} }, $row;
        $t .= sprintf("%-6d %7d %12d %11d %6d %10d %9s %10s %12s %9d %8d\n", ++$n, $s->{round},
                      $s->{sharing_pfns}, $s->{shared_mfns}, $s->{saved}, $a->{max_saving},
                      r3($row->{frac}), r3($row->{all}), r3($row->{nonfree}), $s->{zero_pfns},
                      $row->{nz});
    }
    $t .= sprintf("# guest_pages=%d, free after unpack=%d, nonfree=%d\n",
                  $first{$run}[0]{s}{guest_pages}, $free, $first{$run}[0]{nonfree_pages});
}
wr("sharing.txt", $t);
my $last_idle = $first{idle}[-1];

# --- (d) scanner cost ---------------------------------------------------------------
$t = "# (d) Scanner cycles per page hashed (SHARE scan_cycles_per_page, cumulative) over the\n"
   . "# raw XXH32 cost (hash_cycles_per_page). interval: the same ratio between two printed\n"
   . "# rounds. visits: the scanner's walk also pays for pfns it skips. In shadow mode\n"
   . "# (idle-shadow) the scanner shares at once (sh_share: compare, unmap, refill), so\n"
   . "# its cycles include the sharing itself.\n";
my %scan;
for my $run (qw(idle paced idle-shadow)) {
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
    for my $k (@EVKEYS) {
        $s .= sprintf("%-14s %12d %12d %12d\n", $k, $on->{$k}, $off->{$k}, $on->{$k} - $off->{$k});
    }
    return $s;
}

# The same for both modes side by side: $ev{pv|shadow}{on|off}.
sub events_table4 {
    my ($title, $ev, $div) = @_;
    my $s = "# $title\n" . sprintf("%-14s %12s %12s %12s %12s\n", "event", "pv_sharing",
                                   "pv_none", "shadow_sharing", "shadow_none");
    for my $k (@EVKEYS) {
        my @v = map { my $m = $_; map { $ev->{$m}{$_}{$k} / ($div ? $div->{$m}{$_} : 1) } qw(on off) }
                qw(pv shadow);
        $s .= $div ? sprintf("%-14s %12.3f %12.3f %12.3f %12.3f\n", $k, @v)
                   : sprintf("%-14s %12d %12d %12d %12d\n", $k, @v);
    }
    return $s;
}

# --- (b) alloc_write over shared pages -------------------------------------------------
my %AW;
for my $mm (@MODES) {
    my ($sfx, $mode) = @$mm;
    my ($on, $off, $def) = map { $R{"$_$sfx"} } qw(alloc-on alloc-off alloc-on-default);
    my $scn = "alloc-share$sfx.scn / alloc-noshare$sfx.scn";
    $t = "# (b) alloc_write+900 in four 8 MiB guests, one at a time, after unpack and an idle\n"
       . "# spell ($scn, $mode mode). first: first-pass cycles (every write\n"
       . "# faults a page in); discards: pages handed back from a shared frame with a\n"
       . "# discarding CoW break; breaks: all CoW breaks of the guest's run, discards\n"
       . "# included (SHARE-DOMAIN). sharing: scanner knobs $quiet;\n"
       . "# sharing_default: the default knobs (pages_to_scan=256 sleep_millisecs=0).\n"
       . sprintf("%-5s %14s %9s %9s %7s %16s %14s %9s %8s %8s\n", "guest", "first_sharing",
                 "per_page", "discards", "breaks", "first_sh_default", "first_no_share",
                 "per_page", "ratio", "ratio_df");
    my ($son, $sdf, $soff) = (0, 0, 0);
    for my $d (sort keys %{ $on->{dom} }) {
        my ($a, $b, $c) = ($on->{dom}{$d}{aw}, $off->{dom}{$d}{aw}, $def->{dom}{$d}{aw});
        next unless $a && $b && $c;
        $son += $a->{first};
        $soff += $b->{first};
        $sdf += $c->{first};
        my $sd = $on->{dom}{$d}{sd} // {};
        $t .= sprintf("%-5s %14d %9d %9d %7d %16d %14d %9d %8s %8s\n", $d, $a->{first},
                      $a->{first_pp}, $sd->{discards} // 0, $sd->{cow_breaks} // 0, $c->{first},
                      $b->{first}, $b->{first_pp}, r3($a->{first} / $b->{first}),
                      r3($c->{first} / $b->{first}));
    }
    my $x = { on => $son, off => $soff, def => $sdf, ratio => $son / $soff,
              default => $sdf / $soff };
    $t .= sprintf("%-5s %14d %9s %9s %7s %16d %14d %9s %8s %8s\n", "all", $son, "", "", "", $sdf,
                  $soff, "", r3($x->{ratio}), r3($x->{default}));
    $x->{eon} = evdiff($on, $R{"alloc-on-base$sfx"});
    $x->{eoff} = evdiff($off, $R{"alloc-off-base$sfx"});
    $t .= "\n" . events_table("alloc_write", $x->{eon}, $x->{eoff});
    $t .= "\n# modelled cycles: first-pass instructions + events x cost (model low/central/high)\n";
    for my $m (@MODELS) {
        my ($p, $q) = ($son + extra($x->{eon}, $m), $soff + extra($x->{eoff}, $m));
        $x->{mon}{$m} = $p;
        $x->{moff}{$m} = $q;
        $x->{model}{$m} = $p / $q;
        $t .= sprintf("%-8s %14.0f %14.0f %8s\n", $m, $p, $q, r3($p / $q));
    }
    wr("alloc$sfx.txt", $t);
    $AW{$mode} = $x;
}

# --- (c) build ----------------------------------------------------------------------
sub span {
    my ($run) = @_;
    my ($lo, $hi);
    for my $b (map { $_->{build} } grep { $_->{build} } values %{ $run->{dom} }) {
        $lo = $b->{tsc_start} if !defined $lo || $b->{tsc_start} < $lo;
        $hi = $b->{tsc_end} if !defined $hi || $b->{tsc_end} > $hi;
    }
    return $hi - $lo;
}
my %BU;
for my $mm (@MODES) {
    my ($sfx, $mode) = @$mm;
    my ($on, $off) = ($R{"build-on$sfx"}, $R{"build-off$sfx"});
    $t = "# (c) build in four 32 MiB guests at once, after unpack and 3 s idle, $mode mode\n"
       . "# (build-share$sfx.scn / build-noshare$sfx.scn): build's own TSC cycles per guest, and the\n"
       . "# span from the first build's start to the last one's end.\n"
       . sprintf("%-5s %14s %14s %8s\n", "guest", "sharing", "no_sharing", "ratio");
    my $x = { on => span($on), off => span($off), per => [] };
    for my $d (sort keys %{ $on->{dom} }) {
        my ($a, $b) = ($on->{dom}{$d}{build}, $off->{dom}{$d}{build});
        next unless $a && $b;
        push @{ $x->{per} }, $a->{cycles} / $b->{cycles};
        $t .= sprintf("%-5s %14d %14d %8s\n", $d, $a->{cycles}, $b->{cycles},
                      r3($a->{cycles} / $b->{cycles}));
    }
    $x->{ratio} = $x->{on} / $x->{off};
    # Noise: the four no-sharing guests do the same work at the same time.
    my @offc = sort { $a <=> $b } map { $_->{build}{cycles} } grep { $_->{build} } values %{ $off->{dom} };
    $x->{spread} = $offc[-1] / $offc[0];
    $t .= sprintf("%-5s %14d %14d %8s\n", "span", $x->{on}, $x->{off}, r3($x->{ratio}));
    $t .= sprintf("# noise: the no-sharing guests' builds (same work, same time) differ by %s (max/min)\n",
                  r3($x->{spread}));
    $x->{eon} = evdiff($on, $R{"build-on-base$sfx"});
    $x->{eoff} = evdiff($off, $R{"build-off-base$sfx"});
    $t .= "\n" . events_table("build", $x->{eon}, $x->{eoff});
    $t .= "\n# modelled cycles: span + events x cost (model low/central/high)\n";
    for my $m (@MODELS) {
        my ($p, $q) = ($x->{on} + extra($x->{eon}, $m), $x->{off} + extra($x->{eoff}, $m));
        $x->{mon}{$m} = $p;
        $x->{moff}{$m} = $q;
        $x->{model}{$m} = $p / $q;
        $t .= sprintf("%-8s %14.0f %14.0f %8s\n", $m, $p, $q, r3($p / $q));
    }
    wr("build$sfx.txt", $t);
    $BU{$mode} = $x;
}

# --- (e) sharing over time ---------------------------------------------------------------
# Guest time of each console line: build's TSC stamps, and init's "X exited after T s"
# lines chained from them (each program starts where the last one ended).
my %TL;
for my $mm (@MODES) {
    my ($sfx, $mode) = @$mm;
    my $r = $R{"timeline$sfx"};
    my $hz = $r->{hz} or die "bench-tables.pl: no TSC frequency in timeline$sfx.log\n";
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
    my $at_time = sub {
        my ($i) = @_;
        my ($p, $n);
        for (@anchor) { if ($_->[0] <= $i) { $p = $_ } elsif (!$n) { $n = $_ } }
        return $n->[1] unless $p;
        return $p->[1] unless $n;
        return $p->[1] + ($n->[1] - $p->[1]) * ($i - $p->[0]) / ($n->[0] - $p->[0]);
    };
    my ($b0, $b1);
    for (@phase) {
        $b0 = $_->[1] if !defined $b0 || $_->[1] < $b0;
        $b1 = $_->[2] if !defined $b1 || $_->[2] > $b1;
    }
    $t = "# (e) Sharing over time, build workload (build-timeline$sfx.scn, $mode mode): each\n"
       . "# SHARE line printed after a scan round (at=round) or inside a long one (at=scan),\n"
       . "# placed in guest time (since power-on) by the guests' timed lines around it. The\n"
       . "# scanner runs only when the cpu is idle, so the plot's line is broken over the build\n"
       . "# when no line falls inside it. saved_nz: saved without the zero frame's pfns.\n"
       . "# time_s   round   at sharing_pfns   saved saved_nz guest_pages shared_% saved_% nz_%\n";
    my $dat = "# time_s shared_pct saved_pct saved_nz_pct (a blank line: no line inside the build)\n";
    my ($all) = sort { $b <=> $a } map { $_->{guest_pages} } @{ $r->{share} };
    my $prev;
    my @rows;
    # Lines while every guest runs (the last ones may follow a guest's exit).
    for my $s (grep { $_->{at} =~ /^(round|scan)$/ && $_->{guest_pages} == $all } @{ $r->{share} }) {
        my $ts = $at_time->($s->{idx});
        my $nz = saved_nz($s);
        my ($pct, $spct, $npct) = map { 100 * $_ / $s->{guest_pages} } $s->{sharing_pfns},
                                  $s->{saved}, $nz;
        $t .= sprintf("%8.3f %7d %5s %12d %7d %8d %11d %8.1f %8.1f %5.1f\n", $ts, $s->{round},
                      $s->{at}, $s->{sharing_pfns}, $s->{saved}, $nz, $s->{guest_pages}, $pct,
                      $spct, $npct);
        $dat .= "\n" if defined $prev && defined $b0 && $prev < $b0 && $ts > $b1;
        $dat .= sprintf("%.3f %.2f %.2f %.2f\n", $ts, $pct, $spct, $npct);
        $prev = $ts;
        push @rows, { ts => $ts, s => $s, nz => $nz };
    }
    $t .= sprintf("# build %s: %.3f s to %.3f s\n", @$_) for @phase;
    wr("timeline$sfx.txt", $t);
    wr("timeline$sfx.dat", $dat);
    wr("timeline$sfx-phases.dat", sprintf("%.3f %.3f\n", $b0, $b1));
    $TL{$mode} = { rows => \@rows, b0 => $b0, b1 => $b1 };
}

# --- Table 4: fork_test and exec_test ----------------------------------------------------
# The four guests run each test at the same time for 1 s of guest time. rate: the four
# guests' rates summed (forks or execs a second, the whole machine); instructions per
# operation: hz / rate. Events: fork_test's = the -fork run minus the -base run,
# exec_test's = the full run minus the -fork run. Modelled: (instructions + events x
# cost) per operation, its rate hz / that.
my %FE;
for my $mm (@MODES) {
    my ($sfx, $mode) = @$mm;
    for my $sh (qw(on off)) {
        my ($full, $fork, $base) = map { $R{"forkexec-$sh$_$sfx"} } ('', '-fork', '-base');
        my %ev = (fork_test => evdiff($fork, $base), exec_test => evdiff($full, $fork));
        for my $test (qw(fork_test exec_test)) {
            my ($n, $rate, @per) = (0, 0);
            for my $d (sort keys %{ $full->{dom} }) {
                my $g = $full->{dom}{$d}{$test} or next;
                $n += $g->{n};
                $rate += $g->{n} / $g->{secs};
                push @per, $g->{rate};
            }
            die "bench-tables.pl: no $test line in forkexec-$sh$sfx.log\n" unless $n;
            my $hz = $full->{hz};
            my $x = { n => $n, rate => $rate, per => \@per, ev => $ev{$test},
                      instr => $hz / $rate };
            for my $m (@MODELS) {
                $x->{mcyc}{$m} = $x->{instr} + extra($ev{$test}, $m) / $n;
                $x->{mrate}{$m} = $hz / $x->{mcyc}{$m};
            }
            $FE{$mode}{$sh}{$test} = $x;
        }
    }
}

# --- The PV / shadow comparison (modes.txt) ----------------------------------------------
my $c = "# PV mode against shadow mode (every guest mode=shadow: translated, shared by the\n"
      . "# hypervisor without a guest driver, free pages too). Instructions: TSC cycles under\n"
      . "# -icount. Events: the measured program's run minus the same run without it (STATS).\n"
      . "# Modelled: instructions + events x the cost model's cycles (costs.txt).\n";

$c .= "\n## Table 3: build, four 32 MiB guests at once (build-{share,noshare}[-shadow].scn)\n"
    . "# span: first build start to last build end. Between runs of different interleavings\n"
    . "# the span moves by about 1% with nothing shared (see the noise column: the four\n"
    . "# no-sharing guests' own build cycles, max/min).\n"
    . sprintf("%-7s %14s %14s %8s %7s %8s %8s %8s\n", "mode", "span_sharing", "span_none",
              "ratio", "noise", "mod_low", "mod_cen", "mod_high");
for my $mode (qw(pv shadow)) {
    my $x = $BU{$mode};
    $c .= sprintf("%-7s %14d %14d %8s %7s %8s %8s %8s\n", $mode, $x->{on}, $x->{off},
                  r3($x->{ratio}), r3($x->{spread}), map { r3($x->{model}{$_}) } @MODELS);
}
$c .= sprintf("# shadow / pv span: with sharing %s, without %s (modelled central %s, %s)\n",
              r3($BU{shadow}{on} / $BU{pv}{on}), r3($BU{shadow}{off} / $BU{pv}{off}),
              r3($BU{shadow}{mon}{central} / $BU{pv}{mon}{central}),
              r3($BU{shadow}{moff}{central} / $BU{pv}{moff}{central}));
$c .= sprintf("# modelled cycles (central): pv %.0f / %.0f, shadow %.0f / %.0f\n",
              $BU{pv}{mon}{central}, $BU{pv}{moff}{central}, $BU{shadow}{mon}{central},
              $BU{shadow}{moff}{central});
$c .= "\n" . events_table4("build: events (run minus its base)",
                           { map { $_ => { on => $BU{$_}{eon}, off => $BU{$_}{eoff} } } qw(pv shadow) });

$c .= "\n## Table 4: fork_test and exec_test, four 32 MiB guests at once, 1 s each\n"
    . "# (forkexec-{pv,shadow}[-noshare].scn). rate: the four guests' rates summed; instr/op:\n"
    . "# instructions per operation (hz / rate); model: modelled cycles per operation and the\n"
    . "# rate they give (central; low and high in the ratio lines).\n"
    . sprintf("%-7s %-8s %-10s %6s %9s %10s %12s %10s  %s\n", "mode", "sharing", "test", "ops",
              "rate/s", "instr/op", "model_cyc/op", "model_rate", "per guest rate/s");
for my $test (qw(fork_test exec_test)) {
    for my $sh (qw(on off)) {
        for my $mode (qw(pv shadow)) {
            my $x = $FE{$mode}{$sh}{$test};
            $c .= sprintf("%-7s %-8s %-10s %6d %9.1f %10.0f %12.0f %10.1f  %s\n", $mode,
                          $sh eq 'on' ? 'yes' : 'no', $test, $x->{n}, $x->{rate}, $x->{instr},
                          $x->{mcyc}{central}, $x->{mrate}{central}, join(" ", @{ $x->{per} }));
        }
    }
}
$c .= "# shadow rate / pv rate: measured; modelled low, central, high\n";
my %FER;
for my $test (qw(fork_test exec_test)) {
    for my $sh (qw(on off)) {
        my ($p, $s) = ($FE{pv}{$sh}{$test}, $FE{shadow}{$sh}{$test});
        $FER{$test}{$sh} = { r => $s->{rate} / $p->{rate},
                             m => { map { $_ => $s->{mrate}{$_} / $p->{mrate}{$_} } @MODELS } };
        $c .= sprintf("%-10s %-16s %8s   %s\n", $test, $sh eq 'on' ? 'with sharing' : 'without sharing',
                      r3($FER{$test}{$sh}{r}), join(" ", map { r3($FER{$test}{$sh}{m}{$_}) } @MODELS));
    }
    for my $mode (qw(pv shadow)) {
        $c .= sprintf("%-10s %-16s %8s   (%s: rate with sharing / without)\n", $test, "sharing cost",
                      r3($FE{$mode}{on}{$test}{rate} / $FE{$mode}{off}{$test}{rate}), $mode);
    }
}
for my $test (qw(fork_test exec_test)) {
    my $ev = { map { my $m = $_; $m => { map { $_ => $FE{$m}{$_}{$test}{ev} } qw(on off) } } qw(pv shadow) };
    my $div = { map { my $m = $_; $m => { map { $_ => $FE{$m}{$_}{$test}{n} } qw(on off) } } qw(pv shadow) };
    $c .= "\n" . events_table4("$test: events per operation", $ev, $div);
}

$c .= "\n## Table 5: alloc_write+900 over shared pages, four 8 MiB guests one at a time\n"
    . "# (alloc-{share,noshare}[-shadow].scn). first-pass instructions, the four guests summed.\n"
    . sprintf("%-7s %14s %14s %8s %10s %8s %8s %8s\n", "mode", "first_sharing", "first_none",
              "ratio", "ratio_df", "mod_low", "mod_cen", "mod_high");
for my $mode (qw(pv shadow)) {
    my $x = $AW{$mode};
    $c .= sprintf("%-7s %14d %14d %8s %10s %8s %8s %8s\n", $mode, $x->{on}, $x->{off},
                  r3($x->{ratio}), r3($x->{default}), map { r3($x->{model}{$_}) } @MODELS);
}
$c .= "# ratio_df: with the default scanner knobs\n";
$c .= sprintf("# shadow / pv first pass: with sharing %s, without %s\n",
              r3($AW{shadow}{on} / $AW{pv}{on}), r3($AW{shadow}{off} / $AW{pv}{off}));
$c .= sprintf("# modelled cycles (central): pv %.0f / %.0f, shadow %.0f / %.0f\n",
              $AW{pv}{mon}{central}, $AW{pv}{moff}{central}, $AW{shadow}{mon}{central},
              $AW{shadow}{moff}{central});
$c .= "\n" . events_table4("alloc_write: events (run minus its base)",
                           { map { $_ => { on => $AW{$_}{eon}, off => $AW{$_}{eoff} } } qw(pv shadow) });

$c .= "\n## Sharing found: the same workload in both modes\n"
    . "# idle: share-idle[-shadow].scn, the last printed round (8 s idle after unpack);\n"
    . "# after build: build-timeline[-shadow].scn, the last line with every guest running.\n"
    . "# saved_nz: saved not counting the zero frame's pfns (shadow mode shares free pages,\n"
    . "# mostly onto the zero frame; PV never shares free pages).\n"
    . sprintf("%-12s %-7s %7s %12s %11s %9s %7s %8s %10s\n", "workload", "mode", "round",
              "sharing_pfns", "shared_mfns", "zero_pfns", "saved", "saved_nz", "max_saving");
my %found;
for my $mode (qw(pv shadow)) {
    my $row = $first{ $mode eq 'pv' ? 'idle' : 'idle-shadow' }[-1];
    my $s = $row->{s};
    $found{idle}{$mode} = { saved => $s->{saved}, nz => $row->{nz} };
    $c .= sprintf("%-12s %-7s %7d %12d %11d %9d %7d %8d %10d\n", "idle", $mode, $s->{round},
                  $s->{sharing_pfns}, $s->{shared_mfns}, $s->{zero_pfns}, $s->{saved}, $row->{nz},
                  $row->{max});
}
for my $mode (qw(pv shadow)) {
    my $row = $TL{$mode}{rows}[-1];
    my $s = $row->{s};
    $found{build}{$mode} = { saved => $s->{saved}, nz => $row->{nz} };
    $c .= sprintf("%-12s %-7s %7d %12d %11d %9d %7d %8d %10s\n", "after build", $mode, $s->{round},
                  $s->{sharing_pfns}, $s->{shared_mfns}, $s->{zero_pfns}, $s->{saved}, $row->{nz}, "-");
}
for my $w (qw(idle build)) {
    $c .= sprintf("# %-11s shadow / pv: saved %s, saved_nz %s\n", $w eq 'idle' ? 'idle' : 'after build',
                  r3($found{$w}{shadow}{saved} / $found{$w}{pv}{saved}),
                  r3($found{$w}{shadow}{nz} / $found{$w}{pv}{nz}));
}
wr("modes.txt", $c);

# --- Summary ------------------------------------------------------------------------------
my $costs = "# Cost model (cycles beyond icount's instructions per event; docs/benchmarks.md):\n";
for my $m (@MODELS) {
    $costs .= sprintf("%-8s %s\n", $m, join(" ", map { "$_=$model{$m}{$_}" } sort keys %{ $model{$m} }));
}
wr("costs.txt", $costs);

my ($i1, $i2) = @{ $first{paced} }[0, 1];
my ($d1, $d2) = @{ $first{idle} }[0, 1];
info("share-idle, default knobs: saved/max_saving, 1st and 2nd print",
     sprintf("%s (round %d), %s (round %d)", r3($d1->{frac}), $d1->{round}, r3($d2->{frac}), $d2->{round}));
info("share-idle, paced: saved/max_saving, 1st and 2nd print",
     sprintf("%s (round %d), %s (round %d)", r3($i1->{frac}), $i1->{round}, r3($i2->{frac}), $i2->{round}));
target("(a) sharing_pfns/guest_pages after idle (aim 0.85)", r3($last_idle->{all}), '>=', 0.68);
info("    the same over non-free guest pages", r3($last_idle->{nonfree}));
target("(b) alloc_write first pass, sharing/no sharing", r3($AW{pv}{ratio}), '<=', 1.05);
info("    with the default scanner knobs", r3($AW{pv}{default}));
info("    modelled (low, central, high)", join(", ", map { r3($AW{pv}{model}{$_}) } @MODELS));
target("(c) build span, sharing/no sharing", r3($BU{pv}{ratio}), '<=', 1.01);
info("    per guest build cycles", join(", ", map { r3($_) } @{ $BU{pv}{per} }));
info("    noise: no-sharing guests' build cycles, max/min", r3($BU{pv}{spread}));
info("    modelled (low, central, high)", join(", ", map { r3($BU{pv}{model}{$_}) } @MODELS));
target("(d) scan/hash cycles per page, paced, 1st print (round $first{paced}[0]{round})",
       r2($scan{paced}[0]), '<=', 1.25);
# The paced run's first round is never printed at its end (at=scan lines inside it use
# up the once-a-second budget): its cost while hashing, from the last at=scan line in it.
my ($mid) = reverse grep { $_->{at} eq 'scan' && $_->{round} == 0 } @{ $R{paced}{share} };
info("    paced, inside round 1 (last at=scan line)",
     $mid ? r2($mid->{scan_cycles_per_page} / $mid->{hash_cycles_per_page}) : "-");
info("    paced, last round; default knobs, round 1 and last",
     join(", ", r2($scan{paced}[-1]), r2($scan{idle}[0]), r2($scan{idle}[-1])));
info("hash per page: xxh64/xxh32, xxh3_64/xxh32, compare/xxh32",
     join(", ", map { r2($h->{$_} / $h->{xxh32}) } qw(xxh64 xxh3_64 compare)));
push @summary, "", "PV mode against shadow mode (modes.txt)";
target("Table 3: shadow build span, sharing/no sharing", r3($BU{shadow}{ratio}), '<=', 1.01);
info("    modelled (low, central, high)", join(", ", map { r3($BU{shadow}{model}{$_}) } @MODELS));
info("    noise: no-sharing guests' build cycles, max/min", r3($BU{shadow}{spread}));
info("    PV the same (above)", r3($BU{pv}{ratio}));
for my $test (qw(fork_test exec_test)) {
    my $x = $FER{$test};
    target("Table 4: $test rate, shadow/PV, with sharing", r3($x->{on}{r}), '>=', 0.9);
    info("    modelled (low, central, high)", join(", ", map { r3($x->{on}{m}{$_}) } @MODELS));
    info("    without sharing; modelled central",
         join(", ", r3($x->{off}{r}), r3($x->{off}{m}{central})));
}
target("Table 5: shadow alloc_write first pass, sharing/none", r3($AW{shadow}{ratio}), '<=', 1.5);
info("    modelled (low, central, high)", join(", ", map { r3($AW{shadow}{model}{$_}) } @MODELS));
info("    PV the same (above)", r3($AW{pv}{ratio}));
target("Found: saved pages after idle, shadow/PV", r3($found{idle}{shadow}{saved} / $found{idle}{pv}{saved}), '>=', 1);
target("Found: the same without the zero frame's pfns", r3($found{idle}{shadow}{nz} / $found{idle}{pv}{nz}), '>=', 1);
info("    after the build: saved; without zero pfns",
     join(", ", r3($found{build}{shadow}{saved} / $found{build}{pv}{saved}),
          r3($found{build}{shadow}{nz} / $found{build}{pv}{nz})));
info("(d) shadow: scan/hash cycles per page, round 1 and last",
     join(", ", r2($scan{'idle-shadow'}[0]), r2($scan{'idle-shadow'}[-1])));
wr("summary.txt", join("\n", @summary) . "\n");
print $PROVENANCE, join("\n", @summary), "\n";
