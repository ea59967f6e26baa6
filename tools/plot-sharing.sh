#!/usr/bin/env bash
# plot-sharing.sh - draw sharing over guest time (the paper's Figure 6) from
# the table tools/bench-sharing.sh writes, with gnuplot (Debian's
# gnuplot-nox, installed here if missing).
#
#   tools/plot-sharing.sh [DATA [PHASES [PNG]]]
#
# DATA (default build/bench/timeline.dat): "time_s shared_pct saved_pct"
# rows; PHASES (build/bench/timeline-phases.dat): "start end" of the build,
# drawn shaded; PNG: build/bench/sharing-over-time.png.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
dat=${1:-build/bench/timeline.dat}
phases=${2:-build/bench/timeline-phases.dat}
png=${3:-build/bench/sharing-over-time.png}

if ! command -v gnuplot >/dev/null; then
    echo "plot-sharing.sh: installing gnuplot-nox" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        gnuplot-nox >&2
fi
[ -s "$dat" ] || { echo "plot-sharing.sh: no data in $dat (run tools/bench-sharing.sh)" >&2; exit 1; }

shade=""
if [ -s "$phases" ]; then
    read -r b0 b1 < "$phases"
    shade="set object 1 rectangle from $b0, graph 0 to $b1, graph 1 behind fillcolor rgb '#e8e8e8' fillstyle solid noborder
set label 1 'build (4 guests)' at ($b0 + $b1) / 2, graph 0.95 center"
fi

gnuplot <<EOF
set terminal pngcairo size 800,480 font 'sans,10'
set output '$png'
set title 'Sharing over time: four 32 MiB guests unpack, idle, build, idle'
set xlabel 'guest time (s)'
set ylabel '% of guest pages'
set yrange [0:*]
set key bottom right
set grid
$shade
plot '$dat' using 1:2 with linespoints pt 7 title 'pages backed by a shared frame (sharing\_pfns)', \
     '$dat' using 1:3 with linespoints pt 5 title 'pages saved (sharing\_pfns - shared\_mfns)'
EOF
echo "  PLOT    $png" >&2
