#!/usr/bin/env perl
# bench-tmem.pl LOGDIR - the tmem table (tools/bench-tmem.sh) from the
# consoles in LOGDIR: reread-{on,off}.log, dedup.log, ops.log.
use strict;
use warnings;

my $dir = shift or die "usage: bench-tmem.pl LOGDIR\n";

sub kv {
    my ($s, %h) = ("$_[0]");
    $h{$1} = $2 while $s =~ /(\w+)=(\S+)/g;
    return \%h;
}

sub lines {
    my ($name, $re) = @_;
    open my $fh, '<', "$dir/$name.log" or die "$dir/$name.log: $!\n";
    my @l = grep { /$re/ } <$fh>;
    close $fh;
    return @l;
}

sub passes { # log -> { pass => readall's key=values }
    my %p;
    for (lines($_[0], qr/readall: path=/)) {
        my $a = kv($_);
        $p{ $a->{pass} } = $a;
    }
    return \%p;
}

sub ratio { return $_[1] ? sprintf('%.3f', $_[0] / $_[1]) : 'n/a' }

my $prov = 'unknown';
if (open my $fh, '<', "$dir/PROVENANCE") { $prov = <$fh>; chomp $prov; close $fh }
print "# provenance: $prov\n";
print "# tmem (issue 14), under -icount (cycles are instructions, 1e9 a second).\n\n";

# (a) The re-read.
my ($on, $off) = (passes('reread-on'), passes('reread-off'));
print "(a) an 8 MiB guest re-reads a 24 MiB file (passes 2 and 3), cleancache on / off\n";
for my $p (2, 3) {
    my ($a, $b) = ($on->{$p}, $off->{$p});
    die "reread: no pass $p\n" unless $a && $b;
    printf "  pass %d: page-cache misses %d, served by hcache %d (%s), disk blocks %d (off: %d)\n",
        $p, $a->{cc_gets}, $a->{cc_hits}, ratio($a->{cc_hits}, $a->{cc_gets}),
        $a->{block_reads}, $b->{block_reads};
    printf "          run time %s / %s s = %s; busy instructions %.3g / %.3g = %s\n",
        $a->{seconds}, $b->{seconds}, ratio($a->{seconds}, $b->{seconds}),
        $a->{busy}, $b->{busy}, ratio($a->{busy}, $b->{busy});
}
print "  run time: elapsed guest time (a disk read waits for the next tick under\n";
print "  -icount); busy: the instructions the guest and the hypervisor ran for it.\n\n";

# (b) Swap: frontswap (hswap) against the swap disk.
my (%sw);
for my $v ('swap-fs', 'swap-disk') {
    $sw{$v}{ $_->{pass} } = $_ for map { kv($_) } lines($v, qr/anonws: pass=/);
}
print "(b) 12 MiB of anonymous pages in a guest entitled to 8 MiB (passes 1-3), frontswap / disk only\n";
for my $p (1, 2, 3) {
    my ($a, $b) = ($sw{'swap-fs'}{$p}, $sw{'swap-disk'}{$p});
    die "swap: no pass $p\n" unless $a && $b;
    printf "  pass %d: swapped out %d / %d, hswap puts %d (refused %d), swap-disk writes %d / %d\n",
        $p, $a->{swap_outs}, $b->{swap_outs}, $a->{fs_puts}, $a->{fs_refused},
        $a->{swap_writes}, $b->{swap_writes};
    printf "          run time %s / %s s = %s; instructions %.3g / %.3g = %s\n",
        $a->{seconds}, $b->{seconds}, ratio($a->{seconds}, $b->{seconds}),
        $a->{tsc}, $b->{tsc}, ratio($a->{tsc}, $b->{tsc});
}
print "  the swap disk's reads and writes block the guest (pvk swaps synchronously);\n";
print "  under -icount each wait ends at the next tick.\n\n";

# (c) Dedup: the print where the pools held the most pages.
my ($best, @doms, $cur);
for (lines('dedup', qr/\(hv\) TMEM(-DOMAIN)? /)) {
    if (/\(hv\) TMEM (.*)/) { $cur = { tmem => kv($1), doms => [] }; next }
    push @{ $cur->{doms} }, kv($1) if /\(hv\) TMEM-DOMAIN (.*)/;
    $best = $cur if !$best || $cur->{tmem}{eph_pages} > $best->{tmem}{eph_pages};
}
die "dedup: no TMEM lines\n" unless $best;
my $one = 0;
$one = $_->{eph_pages} > $one ? $_->{eph_pages} : $one for @{ $best->{doms} };
printf "(c) four identical guests put the same pages (private pools, one group):\n";
printf "  pool frames / one guest's pages   %d / %d = %s (pages stored %d; dedup_puts %d)\n\n",
    $best->{tmem}{frames}, $one, ratio($best->{tmem}{frames}, $one),
    $best->{tmem}{eph_pages}, $best->{tmem}{dedup_puts};

# (d) Compression: the pool at the guest's exit, after the idle work.
my ($z) = map { kv($_) } grep { /at=exit-d1/ } lines('compress', qr/\(hv\) TMEM /);
die "compress: no TMEM line at exit-d1\n" unless $z;
my $whole = $z->{frames} - $z->{zframes};
printf "(d) the demo's source tree (/src, 1.7 MB of C) in a private pool, compressed when idle:\n";
printf "  pages stored / frames holding them   %d / %d = %s (whole %d, in zpages %d)\n",
    $z->{eph_pages}, $z->{frames}, ratio($z->{eph_pages}, $z->{frames}), $whole, $z->{zframes};
printf "  compressed pages: %d, %d bytes: %s x; zpages filled to %s; incompressible %d\n\n",
    $z->{compressed}, $z->{zbytes}, ratio($z->{compressed} * 4096, $z->{zbytes}),
    ratio($z->{zbytes}, $z->{zframes} * 4096), $z->{incompressible};

# (e) Put and get.
my ($b) = map { kv($_) } lines('ops', qr/tmem-bench:/);
die "ops: no tmem-bench line\n" unless $b;
printf "(e) %d puts of distinct pages, %d gets (hits), in a guest:\n", $b->{pages}, $b->{pages};
printf "  a page copy %d, a null hypercall %d instructions a page\n",
    $b->{copy} / $b->{pages}, $b->{null_hypercall} / $b->{pages};
printf "  put %d: %s x (copy + hypercall); get %d: %s x\n",
    $b->{put} / $b->{pages}, ratio($b->{put}, $b->{copy} + $b->{null_hypercall}),
    $b->{get} / $b->{pages}, ratio($b->{get}, $b->{copy} + $b->{null_hypercall});
