#!/usr/bin/env bash
# kafka_latency.sh CAIRND [CAIRND...]: a Kafka client's produce latency through the Kafka
# listener. For ROUNDS (default 3) rounds, each binary in turn: a fresh cairnd (--threads
# THREADS, default 2; --fsync FSYNC, default always; data in a temp dir), one topic of one
# partition, then bench/kafka_latency.py (confluent-kafka, tests/kafka/requirements.txt) at RATE
# (default 20000) messages/s of 100 B for SECS (default 5) seconds. Prints each run: p50/p90/p99
# from the grid point to the delivery report, the broker's CPU (utime + stime around the run, in
# % of one core) and how many connections moved to another core (from the debug log). CAIRN: the
# `cairn` that creates the topic (default: the release build's).
set -euo pipefail
[[ $# -ge 1 ]] || { echo "usage: $0 CAIRND [CAIRND...]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
cairn=${CAIRN:-$here/../build/release/tools/cairn}  # creates the topic
tmp=""
pid=""
trap '[[ -n "$pid" ]] && kill $pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
hz=$(getconf CLK_TCK)
secs=${SECS:-5}
for round in $(seq "${ROUNDS:-3}"); do
  for bin in "$@"; do
    tmp=$(mktemp -d /tmp/cairn-kafka-latency.XXXXXX)
    "$bin" --listen 127.0.0.1:0 --kafka-listen 127.0.0.1:0 --http-listen '' --data-dir "$tmp/data" \
      --threads "${THREADS:-2}" --fsync "${FSYNC:-always}" --log-level debug >"$tmp/log" 2>&1 &
    pid=$!
    kafka="" cairn_port=""
    for _ in $(seq 200); do
      kafka=$(grep -o 'kafka listener on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
      cairn_port=$(grep -o 'serving on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
      [[ -n "$kafka" && -n "$cairn_port" ]] && break
      sleep 0.1
    done
    [[ -n "$kafka" && -n "$cairn_port" ]] || { cat "$tmp/log" >&2; exit 1; }
    "$cairn" --broker "127.0.0.1:$cairn_port" topics create bench >/dev/null
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    line=$(python3 "$here/kafka_latency.py" "127.0.0.1:$kafka" bench "${RATE:-20000}" "$secs")
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    moves=$(grep -c "moving the connection" "$tmp/log" || true)
    cpu=$(( (after - before) * 100 / hz / ${secs%.*} ))
    echo "round $round $bin: $line, broker ${cpu}% of a core, moves $moves"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    pid=""
    rm -rf "$tmp"
  done
done
