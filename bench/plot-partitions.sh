#!/usr/bin/env bash
# plot-partitions.sh RESULTS.txt OUT.png
# Draws a bench/partitions.sh run against the partition count (log scale): produce records/s,
# the clean stop and the start after it (seconds), the restarted broker's RSS (MiB) and open
# file descriptors, one panel each. Needs gnuplot (installed here if missing).
set -euo pipefail
results=${1:?usage: plot-partitions.sh RESULTS.txt OUT.png}
out=${2:?usage: plot-partitions.sh RESULTS.txt OUT.png}
command -v gnuplot >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox >/dev/null
data=$(mktemp)
trap 'rm -f "$data"' EXIT
# The rows under partitions.sh's last header (a file of several runs ends with their medians):
# partitions produce stop_s start_s rss_mib fds.
awk '$1 == "partitions" {n = 0; next}
     $1 ~ /^[0-9]+$/ && NF == 6 {row[n++] = $0}
     END {for (i = 0; i < n; i++) print row[i]}' "$results" >"$data"
[[ -s "$data" ]] || { echo "no partitions.sh rows in $results" >&2; exit 1; }
gnuplot <<GP
set terminal pngcairo size 1000,700 font "sans,10"
set output "$out"
set multiplot layout 2,2 title "One broker, one topic of N partitions (bench/partitions.sh)"
set logscale x
set xlabel "partitions (log scale)"
set grid
set key top left
set logscale y
set title "produce, 100 B records by key, fsync always"
set ylabel "records/s (log scale)"
plot "$data" using 1:2 with linespoints pt 7 notitle
set title "clean stop, and start after it"
set ylabel "seconds (log scale)"
plot "$data" using 1:3 with linespoints pt 7 title "stop", "" using 1:4 with linespoints pt 5 title "start"
unset logscale y
set title "resident memory after the start"
set ylabel "MiB"
plot "$data" using 1:5 with linespoints pt 7 notitle
set logscale y
set title "open file descriptors after the start"
set ylabel "descriptors (log scale)"
plot "$data" using 1:6 with linespoints pt 7 notitle
unset multiplot
GP
echo "wrote $out"
