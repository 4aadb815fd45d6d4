#!/usr/bin/env bash
# run-workloads.sh: the Cairn workloads the peers harness does not cover, against a release
# cairnd started here on loopback (data in a temp dir, removed at the end):
#   1 KiB records, 1 partition, produce then consume (fsync interval:100 and always)
#   8 partitions, 4 producers (fsync always)
#   1 broker thread vs 2 (8 partitions, 4 producers, fsync interval:100)
#   fixed-rate latency at 20,000/s, fsync always and interval:100, with end-to-end latency
# Prints each `cairn perf` line. Usage: bench/run-workloads.sh  (about 2 minutes)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/build.sh" release cairnd cairn >/dev/null
cairnd="$root/build/release/tools/cairnd"
cairn="$root/build/release/tools/cairn"
port=${PORT:-19400}
tmp=$(mktemp -d /var/tmp/cairn-workloads.XXXXXX)
pid=""
stop() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap 'stop; rm -rf "$tmp"' EXIT
start() {  # threads
  stop
  rm -rf "$tmp/data"
  "$cairnd" --listen "127.0.0.1:$port" --http-listen '' --kafka-listen '' --data-dir "$tmp/data" --threads "$1" --log-level warn &
  pid=$!
  for _ in $(seq 100); do "$cairn" --broker "127.0.0.1:$port" topics list >/dev/null 2>&1 && return; sleep 0.1; done
  echo "cairnd did not start" >&2; exit 1
}
c() { "$cairn" --broker "127.0.0.1:$port" "$@"; }
perf_line() { grep -E '^(produce|consume|e2e|latency)'; }

start 2
echo "## 1 KiB records, 1 partition"
for fsync in interval:100 always; do
  c topics create "kib-${fsync%%:*}" --fsync "$fsync"
  c perf produce "kib-${fsync%%:*}" --count 1000000 --size 1024 | perf_line
  c perf consume "kib-${fsync%%:*}" --count 1000000 | perf_line
done
echo "## 8 partitions, 4 producers, 100 B, fsync always"
c topics create p8 --partitions 8
c perf produce p8 --count 4000000 --size 100 --producers 4 --keys 1000 | perf_line
c perf consume p8 --count 4000000 | perf_line
echo "## fixed rate 20,000/s, 100 B, 10 s"
for fsync in always interval:100; do
  c topics create "lat-${fsync%%:*}" --fsync "$fsync"
  c perf produce "lat-${fsync%%:*}" --rate 20000 --count 200000 --size 100 | perf_line
  c perf e2e "lat-${fsync%%:*}" --rate 20000 --duration 10 --size 100 | perf_line
done
echo "## scaling: 8 partitions, 4 producers, fsync interval:100"
for threads in 1 2; do
  start "$threads"
  c topics create scale --partitions 8 --fsync interval:100
  echo "threads $threads: $(c perf produce scale --count 4000000 --size 100 --producers 4 --keys 1000 | perf_line)"
done
