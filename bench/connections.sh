#!/usr/bin/env bash
# connections.sh [COUNTS...]: does the broker's CPU and latency stay flat as the same load comes
# over more connections? One release cairnd (fsync per FSYNC, default always; data in a temp dir),
# one topic of 8 partitions; for each count (default 100 and 1000) cairn_connections_bench sends
# RATE (default 20,000) one-record Produce requests per second in all, spread over that many
# connections, for SECONDS_EACH (default 5) seconds; ROUNDS (default 3) rounds, counts alternating. Prints each
# run's line (requests/s, errors, latency percentiles, generator and broker CPU in % of a core).
# A connection has one request in flight at a time, so a count too small for the rate (each
# connection's share above ~1/latency) falls behind: the generator's limit, not the broker's.
#   CAIRND=path CAIRN=path BENCH=path to use other binaries.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/bench/cairnd.sh"
release_binaries cairn_connections_bench
bench=${BENCH:-$root/build/release/bench/cairn_connections_bench}
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(100 1000)
tmp=$(mktemp -d /tmp/cairn-connections.XXXXXX)
trap 'kill $cairnd_pid 2>/dev/null; wait $cairnd_pid 2>/dev/null; rm -rf "$tmp"' EXIT
start_cairnd "$cairnd" "$tmp" --fsync "${FSYNC:-always}"
broker=127.0.0.1:$port
"$cairn" --broker "$broker" topics create c --partitions 8 >/dev/null
for round in $(seq "${ROUNDS:-3}"); do
  for n in "${counts[@]}"; do
    echo "round $round: $("$bench" "$broker" c 8 "$n" "${RATE:-20000}" "${SECONDS_EACH:-5}" "$cairnd_pid")"
  done
done
