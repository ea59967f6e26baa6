#!/usr/bin/env bash
# plot-sharing.sh - draw sharing over guest time (the paper's Figure 6) from
# the tables tools/bench-sharing.sh writes, PV and shadow mode in one figure,
# with gnuplot (Debian's gnuplot-nox; tools/install-deps.sh --plot installs it).
#
#   tools/plot-sharing.sh [DATA [PHASES [PNG [SHADOW_DATA [SHADOW_PHASES]]]]]
#
# DATA (default build/bench/timeline.dat): the PV run's "time_s shared_pct
# saved_pct saved_nz_pct" rows; PHASES (build/bench/timeline-phases.dat):
# "start end" of its build (after "#" comment lines), drawn shaded; PNG:
# build/bench/sharing-over-time.png. SHADOW_DATA, SHADOW_PHASES (default
# build/bench/timeline-shadow{,-phases}.dat): the same for the shadow-mode
# run, drawn in the same figure if the file exists.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
dat=${1:-build/bench/timeline.dat}
phases=${2:-build/bench/timeline-phases.dat}
png=${3:-build/bench/sharing-over-time.png}
sdat=${4:-build/bench/timeline-shadow.dat}
sphases=${5:-build/bench/timeline-shadow-phases.dat}

tools/install-deps.sh --plot
[ -s "$dat" ] || { echo "plot-sharing.sh: no data in $dat (run tools/bench-sharing.sh)" >&2; exit 1; }

shade=""
if [ -s "$phases" ]; then
    read -r b0 b1 <<< "$(grep -v '^#' "$phases")" # past the provenance line
    shade="set object 1 rectangle from $b0, graph 0 to $b1, graph 1 behind fillcolor rgb '#e0e0e0' fillstyle solid noborder
set label 1 'build' at ($b0 + $b1) / 2, graph 0.5 center"
fi
plot="'$dat' using 1:3 with linespoints lc rgb '#1f60c0' pt 7 title 'PV: pages saved', \\
     '$dat' using 1:2 with linespoints lc rgb '#1f60c0' dt 2 pt 6 title 'PV: pages on a shared frame'"
if [ -s "$sdat" ]; then
    if [ -s "$sphases" ]; then
        read -r s0 s1 <<< "$(grep -v '^#' "$sphases")"
        shade="$shade
set object 2 rectangle from $s0, graph 0 to $s1, graph 1 behind fillcolor rgb '#c8c8c8' fillstyle transparent solid 0.35 noborder
set label 1 \"builds\\n(PV: $b0-$b1 s\\nshadow: $s0-$s1 s)\" at ($b0 + $b1) / 2, graph 0.5 center"
    fi
    plot="$plot, \\
     '$sdat' using 1:3 with linespoints lc rgb '#c03020' pt 5 title 'shadow: pages saved', \\
     '$sdat' using 1:4 with linespoints lc rgb '#e08000' pt 9 title 'shadow: saved, zero-frame pages left out'"
fi

gnuplot <<EOF
set terminal pngcairo size 900,520 font 'sans,10'
set output '$png'
set title 'Sharing over time, PV and shadow mode: four 32 MiB guests unpack, idle, build, idle'
set xlabel 'guest time (s)'
set ylabel '% of guest pages'
set yrange [0:100]
set key at graph 0.98, graph 0.8 right top box opaque
set grid
$shade
plot $plot
EOF
echo "  PLOT    $png" >&2
