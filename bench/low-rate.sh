#!/usr/bin/env bash
# low-rate.sh [RATES...]: what a paced produce costs the broker and the load generator (issue
# 17's low-rate goals). For each rate (default 1000 20000 100000 records/s), ROUNDS (default 3)
# times: a fresh release cairnd (fsync per FSYNC, default always; data in a temp dir), one
# partition, `cairn perf produce --rate R` of 100 B records for SECS (default 10) seconds. Prints
# each run: produce-to-ack p50/p99 (from each record's scheduled send time), the generator's CPU
# (as `cairn perf` reports it) and the broker's (utime + stime from /proc/PID/stat around the
# run), each in % of one core.
#   CAIRND=path CAIRN=path to use other binaries; BASELINE=path: a second `cairn` run against
#   the same broker build, alternating with it in each round (an A/B of the load generator and
#   client library).
set -euo pipefail
source "$(dirname "$0")/cairnd.sh"
release_binaries
rates=("$@")
[[ ${#rates[@]} -gt 0 ]] || rates=(1000 20000 100000)
secs=${SECS:-10}
tmp=""
trap '[[ -n "${cairnd_pid:-}" ]] && kill $cairnd_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$cairnd_pid/stat"; }  # clock ticks
ticks=$(getconf CLK_TCK)
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
clients=("$cairn")
[[ -n "${BASELINE:-}" ]] && clients=("$BASELINE" "$cairn")
for round in $(seq "${ROUNDS:-3}"); do
  for rate in "${rates[@]}"; do
    for client in "${clients[@]}"; do
      tmp=$(mktemp -d /tmp/cairn-low-rate.XXXXXX)
      start_cairnd "$cairnd" "$tmp" --fsync "${FSYNC:-always}"
      broker=127.0.0.1:$port
      "$client" --broker "$broker" topics create r --partitions 1 >/dev/null
      c0=$(cpu)
      result=$("$client" --broker "$broker" perf produce r --rate "$rate" \
        --count $((rate * secs)) --size 100 | grep ^RESULT)
      c1=$(cpu)
      broker_pct=$(python3 -c "print(round(100 * ($c1 - $c0) / $ticks / $secs))")
      echo "round $round rate $rate client $client: p50 $(field p50_us <<<"$result") us," \
        "p99 $(field p99_us <<<"$result") us, generator $(field client_cpu_pct <<<"$result")%," \
        "broker ${broker_pct}% of a core"
      kill "$cairnd_pid"; wait "$cairnd_pid" 2>/dev/null || true
      rm -rf "$tmp"; tmp=""
    done
  done
done
