#!/usr/bin/env perl
# bench-disk.pl LOGDIR - the tables of tools/bench-disk.sh from its logs
# (LOGDIR/VARIANT.RUN.log, each starting with a PROVENANCE line). Prints
# disk.txt: each figure as the median of the runs and [min..max].
use strict;
use warnings;
use FindBin;

my $dir = shift or die "usage: bench-disk.pl LOGDIR\n";

# The cost model's central and bracketing cycles (tools/bench-costs.txt).
my (%cost, @models);
@models = qw(low central high);
open(my $cf, '<', "$FindBin::RealBin/bench-costs.txt") or die "bench-costs.txt: $!\n";
while (<$cf>) {
    next if /^\s*(#|$)/;
    my ($ev, @c) = /^\s*(\w+)\s+(\d+)\s+(\d+)\s+(\d+)/ or next;
    $cost{$models[$_]}{$ev} = $c[$_] for 0 .. 2;
}
close $cf;
for my $ev (qw(irq devread)) {
    die "bench-disk.pl: no '$ev' in bench-costs.txt\n" unless exists $cost{central}{$ev};
}

sub kv { my %h = $_[0] =~ /(\w+)=(\S+)/g; return \%h }

# One log: the figures it gives.
sub readlog {
    my ($file) = @_;
    my (%r, $prov);
    open(my $fh, '<', $file) or die "$file: $!\n";
    while (<$fh>) {
        s/\r$//;
        $prov //= $1 if /^(PROVENANCE .*)/;
        if (/^\(hv\) SHARE-AUDIT (.*)/) { $r{audit} = kv($1) }
        elsif (/^\(hv\) SHARE (.*)/) {
            my $s = kv($1);
            $r{read_shares_max} = $s->{read_shares}
                if !defined $r{read_shares_max} || $s->{read_shares} > $r{read_shares_max};
            $r{share_end} = $s if $s->{at} eq 'shutdown';
        }
        elsif (/^\(hv\) BLKDEV (.*)/) { my $b = kv($1); $r{dev_blocks} += $b->{blocks_read}; $r{dev_reqs} += $b->{requests} }
        elsif (/^\(hv\) BLKIF-COST (.*)/) { $r{cost} = kv($1) }
        elsif (/^\(hv\) CPU (.*)/) { $r{cpu} = kv($1) }
        elsif (/^\(d\d+\) readall: path=(.*)/) {
            my $a = kv($1);
            $r{guest_blocks} += $a->{block_reads};
            $r{readall} = $a;
        }
        elsif (/^\(d\d+\) # unpack: (.*)/) { push @{ $r{unpack_s} }, kv($1)->{seconds} }
        elsif (/^\(d\d+\) # build: units=(.*)/) {
            my $b = kv("units=$1");
            push @{ $r{build_cycles} }, $b->{cycles};
            $r{build_t0} = $b->{tsc_start} if !defined $r{build_t0} || $b->{tsc_start} < $r{build_t0};
            $r{build_t1} = $b->{tsc_end} if !defined $r{build_t1} || $b->{tsc_end} > $r{build_t1};
        }
        elsif (/^\(hv\) VERDICT .*result=(\w+)/) { $r{verdict} = $1 }
    }
    close $fh;
    die "$file: no verdict\n" unless $r{verdict};
    die "$file: the run did not pass ($r{verdict})\n" unless $r{verdict} eq 'pass';
    return (\%r, $prov);
}

sub mean { my $s = 0; $s += $_ for @_; return @_ ? $s / @_ : 0 }

# The runs of a variant: a list of figure hashes; and the first provenance.
my (%runs, $provenance);
opendir(my $dh, $dir) or die "$dir: $!\n";
for my $f (sort readdir $dh) {
    my ($v) = $f =~ /^(.*)\.\d+\.log$/ or next;
    my ($r, $p) = readlog("$dir/$f");
    $provenance //= $p;
    push @{ $runs{$v} }, $r;
}
closedir $dh;
die "bench-disk.pl: no logs in $dir\n" unless %runs;

# median [min..max] of f(run) over a variant's runs, formatted with fmt.
sub stat_of {
    my ($v, $f, $fmt) = @_;
    my @x = sort { $a <=> $b } grep { defined } map { $f->($_) } @{ $runs{$v} || [] };
    return 'n/a' unless @x;
    my $med = @x % 2 ? $x[$#x / 2] : ($x[@x / 2 - 1] + $x[@x / 2]) / 2;
    return sprintf("$fmt [$fmt..$fmt]", $med, $x[0], $x[-1]);
}

my $out = "# $provenance\n";
$out .= "# Each figure: the median of the runs [min..max] (disk completions come\n"
      . "# from QEMU's I/O thread, so figures vary a little run to run).\n\n";

# --- (a) Reads: what is shared at read time, what the device read --------
$out .= "## (a) Four guests read the same 10 MB of files (disk-read.scn), the scanner off\n\n";
$out .= sprintf("%-16s %-24s %-24s %-22s %-24s %-22s\n", 'variant', 'read_saved/nonzero_max',
                'nonzero_max - read_saved', 'zero_saving', 'device/guest blocks', 'scanner pages hashed');
for my $m (qw(pv shadow)) {
    for my $o (qw(on off)) {
        my $v = "read-$m-$o";
        next unless $runs{$v};
        my $nz = sub { $_[0]{audit}{max_saving} - $_[0]{audit}{zero_saving} };
        $out .= sprintf("%-16s %-24s %-24s %-22s %-24s %-22s\n", $v,
            stat_of($v, sub { $nz->($_[0]) ? $_[0]{audit}{read_saved} / $nz->($_[0]) : 0 }, '%.3f'),
            stat_of($v, sub { $nz->($_[0]) - $_[0]{audit}{read_saved} }, '%d'),
            stat_of($v, sub { $_[0]{audit}{zero_saving} }, '%d'),
            stat_of($v, sub { $_[0]{guest_blocks} ? $_[0]{dev_blocks} / $_[0]{guest_blocks} : 0 }, '%.3f'),
            stat_of($v, sub { $_[0]{share_end}{pages_scanned} }, '%d'));
    }
}
$out .= "\nread_saved: the saving read-time sharing made when all four were done;\n"
      . "nonzero_max: the audit's exhaustive compare of every eligible page then,\n"
      . "less zero_saving, what all-zero pages would save (free pages: in shadow\n"
      . "mode every page is eligible; a file block of zeroes would count too).\n"
      . "device/guest blocks: blocks the disk read over blocks the guests read.\n"
      . "scanner pages hashed: over the whole run (the scanner runs after the audit\n"
      . "until every guest saw a pass).\n\n";

# --- (b) The cost of a block: a join against a device read -----------------
$out .= "## (b) The backend's cost of a block read (BLKIF-COST, read-pv-on)\n\n";
my $v = 'read-pv-on';
if ($runs{$v}) {
    my $hit  = sub { $_[0]{cost}{hit_blocks} ? $_[0]{cost}{hit_cycles} / $_[0]{cost}{hit_blocks} : undef };
    my $miss = sub { $_[0]{cost}{miss_blocks} ? $_[0]{cost}{miss_cycles} / $_[0]{cost}{miss_blocks} : undef };
    my $rpb  = sub { $_[0]{cost}{miss_blocks} ? $_[0]{cost}{miss_runs} / $_[0]{cost}{miss_blocks} : undef };
    $out .= sprintf("%-44s %s\n", 'instructions a block, join (no I/O)', stat_of($v, $hit, '%.0f'));
    $out .= sprintf("%-44s %s\n", 'instructions a block, device read', stat_of($v, $miss, '%.0f'));
    $out .= sprintf("%-44s %s\n", 'device requests (irq + doorbell) a block', stat_of($v, $rpb, '%.3f'));
    $out .= sprintf("%-44s %s\n", 'join / device read, instructions only',
                    stat_of($v, sub { my $m = $miss->($_[0]); $m ? $hit->($_[0]) / $m : undef }, '%.3f'));
    for my $mo (@models) {
        my $c = $cost{$mo};
        $out .= sprintf("%-44s %s\n", "join / device read, modelled ($mo)",
            stat_of($v, sub {
                my $m = $miss->($_[0]);
                return undef unless $m;
                $hit->($_[0]) / ($m + $rpb->($_[0]) * ($c->{irq} + $c->{devread}));
            }, '%.3f'));
    }
    $out .= "\nModelled: a device read also costs, per device request, an interrupt\n"
          . "and the device's own service time (bench-costs.txt: irq, devread);\n"
          . "a join costs neither. Both sides count the request's whole path in the\n"
          . "backend, from taking it off the ring to the response and its event.\n\n";
}

# --- (c) Unpack and build with read-time sharing on and off ------------------
$out .= "## (c) Unpack and build (build-share.scn), read-time sharing on / off\n\n";
$out .= sprintf("%-16s %-24s %-30s %-26s %-22s %-18s\n", 'variant', 'unpack seconds (icount)',
                'build makespan cycles', 'guest instructions', 'scanner pages hashed', 'read_shares (max)');
for my $m (qw(pv shadow)) {
    for my $o (qw(on off)) {
        my $vv = "build-$m-$o";
        next unless $runs{$vv};
        $out .= sprintf("%-16s %-24s %-30s %-26s %-22s %-18s\n", $vv,
            stat_of($vv, sub { mean(@{ $_[0]{unpack_s} || [] }) }, '%.3f'),
            stat_of($vv, sub { $_[0]{build_t1} - $_[0]{build_t0} }, '%.4g'),
            stat_of($vv, sub { $_[0]{cpu}{guest_cycles} }, '%.4g'),
            stat_of($vv, sub { $_[0]{share_end}{pages_scanned} }, '%d'),
            stat_of($vv, sub { $_[0]{read_shares_max} }, '%d'));
    }
    my ($on, $off) = ("build-$m-on", "build-$m-off");
    next unless $runs{$on} && $runs{$off};
    my $mu = sub { my ($vv, $f) = @_; mean(map { $f->($_) } @{ $runs{$vv} }) };
    my $u = sub { mean(@{ $_[0]{unpack_s} || [] }) };
    my $b = sub { $_[0]{build_t1} - $_[0]{build_t0} };
    my $p = sub { $_[0]{share_end}{pages_scanned} };
    my $g = sub { $_[0]{cpu}{guest_cycles} };
    my $w = sub { $_[0]{cpu}{total_cycles} - $_[0]{cpu}{halted_cycles} };
    $out .= sprintf("%-16s unpack on/off %.3f, build on/off %.3f; instructions on/off: guests %.3f, machine %.3f;\n"
                    . "%-16s the scanner hashed %d fewer pages (read_shares %d)\n",
                    "$m:", $mu->($on, $u) / $mu->($off, $u), $mu->($on, $b) / $mu->($off, $b),
                    $mu->($on, $g) / $mu->($off, $g), $mu->($on, $w) / $mu->($off, $w), '',
                    $mu->($off, $p) - $mu->($on, $p), $mu->($on, sub { $_[0]{read_shares_max} }));
}
$out .= "\nguest instructions: the CPU line's guest_cycles, under -icount the\n"
      . "instructions the guests ran and the hypervisor ran for them; machine: all\n"
      . "instructions (the scanner's included), total less halted. Build makespan:\n"
      . "from the first guest's build start to the last one's end. Unpack seconds\n"
      . "and the makespan are elapsed time: under -icount a halt (a guest waiting\n"
      . "for the disk) warps the clock to the next tick, however soon QEMU's I/O\n"
      . "thread answers, so they carry the host's I/O timing.\n"
      . "(The ratio lines use the means of the runs.)\n\n";

# --- (d) A sequential read of 24 MiB ---------------------------------------
$out .= "## (d) A sequential read of a 24 MiB file (disk-seq.scn)\n\n";
$out .= sprintf("%-16s %-26s %-26s %-24s\n", 'variant', 'requests', 'instructions a MiB', 'MB/s (wall clock)');
for my $s (qw(11 1)) {
    my ($vi, $vw) = ("seq-$s-icount", "seq-$s-wall");
    next unless $runs{$vi} || $runs{$vw};
    $out .= sprintf("%-16s %-26s %-26s %-24s\n", "seq-$s",
        stat_of($vi, sub { $_[0]{readall}{block_requests} }, '%d'),
        stat_of($vi, sub { $_[0]{readall}{busy} / ($_[0]{readall}{bytes} / 1048576) }, '%.0f'),
        stat_of($vw, sub { $_[0]{readall}{seconds} > 0 ? $_[0]{readall}{bytes} / 1e6 / $_[0]{readall}{seconds} : undef }, '%.1f'));
}
$out .= "\nseq-11: requests of up to 11 sectors with read-ahead (the protocol now);\n"
      . "seq-1: blk_segs=1, one sector a request (as the protocol was). Instructions:\n"
      . "readall's busy cycles under -icount (the guest's and the hypervisor's for\n"
      . "it, its waits for the disk left out). MB/s: a run without\n"
      . "-icount on this host, so a host-dependent figure.\n";

print $out;
