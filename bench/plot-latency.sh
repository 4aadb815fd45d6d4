#!/usr/bin/env bash
# plot-latency.sh RESULTS.txt OUT.png
# Draws the latency phase of a peers run (../shared/peers/run.sh output, its "median over N runs"
# table): produce-to-ack p50 / p99 / p99.9 per system, log scale. Needs gnuplot (installed here
# if missing).
set -euo pipefail
results=${1:?usage: plot-latency.sh RESULTS.txt OUT.png}
out=${2:?usage: plot-latency.sh RESULTS.txt OUT.png}
command -v gnuplot >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null
data=$(mktemp)
trap 'rm -f "$data"' EXIT
# Rows of the median table whose phase is latency: system p50 p99 p999.
awk '/^# median over/ {med=1; next} med && $3 == "latency" {print $1, $6, $7, $8}' "$results" >"$data"
[[ -s "$data" ]] || { echo "no median latency rows in $results (run with REPEAT >= 2)" >&2; exit 1; }
rate=$(sed -n 's/.*latency = open-loop \([0-9]*\) msgs\/s.*/\1/p' "$results" | head -1)
when=$(sed -n 's/^# peers run \([0-9T:-]*\).*/\1/p' "$results" | head -1)
gnuplot <<GP
set terminal pngcairo size 900,500 font "sans,11"
set output "$out"
set title "Produce-to-ack latency at ${rate:-20000} msgs/s of 100 B, median of runs ($when)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set yrange [50:*]
set ylabel "microseconds (log scale)"
set grid ytics
set key top left
set xtics rotate by -20
plot "$data" using 2:xtic(1) title "p50", "" using 3 title "p99", "" using 4 title "p99.9"
GP
echo "wrote $out"
