#!/usr/bin/env bash
# streams.sh [RECORDS] [RUNS] [RATE] [SECONDS]: Kafka Streams' word count (examples/pipelines/
# streams) on a release cairnd and on a real single-node Apache Kafka 4.4 (KRaft), same machine,
# same run, with at_least_once and exactly_once_v2: throughput (RECORDS lines loaded first,
# default 100,000) and end-to-end latency (RATE lines a second, default 5,000, for SECONDS,
# default 10), RUNS times (default 3), then the medians. Each broker with its own defaults
# (cairnd: --fsync always; Kafka: no fsync); CAIRN_FLAGS adds cairnd flags.
# Needs ./tools/build.sh release cairnd cairn, and java, mvn and confluent_kafka (install-deps.sh).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cairnd="$root/build/release/tools/cairnd"
[[ -x "$cairnd" ]] || { echo "streams.sh: build it first: ./tools/build.sh release cairnd cairn" >&2; exit 1; }
export STREAMS_OUT="${STREAMS_OUT:-$root/build/release/pipelines/streams}"
export KAFKA_LIB="${KAFKA_LIB:-$root/build/release/pipelines/kafka-lib}"
mkdir -p "$KAFKA_LIB"
exec python3 "$root/bench/pipelines/streams.py" "$cairnd" "${1:-100000}" "${2:-3}" "${3:-5000}" \
  "${4:-10}"
