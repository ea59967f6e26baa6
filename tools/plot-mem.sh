#!/usr/bin/env bash
# plot-mem.sh - machine memory held by each guest over time, from a run's
# console (its MEM and MEM-DOMAIN lines), with gnuplot (tools/install-deps.sh
# --plot installs it).
#
#   ./run-qemu.sh --log build/demo.log --hv-args mem_print_ms=100
#                                           # or any run with ballooning guests
#   tools/plot-mem.sh build/demo.log [PNG]  # default build/mem-over-time.png
#
# One line per guest: the frames it holds of its own (MEM-DOMAIN private=),
# and one for the frames shared by the guests (held - their own), stacked
# under the machine's held total; time is the hypervisor's (MEM time_ms=).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
log=${1:?usage: tools/plot-mem.sh CONSOLE_LOG [PNG]}
png=${2:-$top/build/mem-over-time.png}
[ -s "$log" ] || { echo "plot-mem.sh: no console log '$log'" >&2; exit 1; }
"$top/tools/install-deps.sh" --plot

dat=$(mktemp)
trap 'rm -f "$dat"' EXIT
# Columns: time_s held shared d1 d2 ... (frames), one row per MEM line.
perl -ne 's/\r//;
    if (/MEM free=\d+ .*held=(\d+) .*time_ms=(\d+) at=(tick|key)/) {
        flush_row() if defined $t;
        ($held, $t) = ($1, $2 / 1000); %own = ();
    } elsif (/MEM-DOMAIN d(\d+) .*private=(\d+) .* at=(tick|key)$/ && defined $t) {
        $own{$1} = $2; $max = $1 if $1 > ($max // 0);
    } elsif (/MEM free=/) {
        flush_row() if defined $t; undef $t;
    }
    END { flush_row() if defined $t }
    sub flush_row {
        my $sum = 0; $sum += $_ for values %own;
        print join(" ", $t, $held, $held - $sum,
                   map { $own{$_} // 0 } 1 .. ($max // 0)), "\n";
    }' "$log" > "$dat"
[ -s "$dat" ] || { echo "plot-mem.sh: no MEM lines at=tick in $log (do the guests balloon?)" >&2; exit 1; }
n=$(awk '{ print NF - 3; exit }' "$dat")
plot="'$dat' using 1:(\$2/256) with lines lw 2 lc rgb '#000000' title 'held, all guests', \\
      '$dat' using 1:(\$3/256) with lines lw 2 dt 2 title 'shared frames'"
for i in $(seq 1 "$n"); do
    plot="$plot, '$dat' using 1:(\$$((i + 3))/256) with lines title 'd$i own frames'"
done
gnuplot <<GP
set terminal pngcairo size 900,500
set output '$png'
set title 'Machine memory held by the guests'
set xlabel 'time (s, hypervisor)'
set ylabel 'MiB'
set key outside right
set grid
plot $plot
GP
echo "plot: $png"
