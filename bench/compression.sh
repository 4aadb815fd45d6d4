#!/usr/bin/env bash
# compression.sh DIR [ROUNDS] [COUNT]: bytes on disk and throughput of each codec on JSON
# clickstream events (200-500 B, `cairn perf produce --payload json-clickstream`). DIR holds a
# release cairnd and cairn; CAIRN=path runs another cairn (client) against DIR's cairnd. For
# each of ROUNDS rounds and each codec in turn, a fresh cairnd (2 threads, fsync never, data in
# a temp dir, one partition) takes COUNT records from `cairn perf produce --compression CODEC`,
# which `cairn perf consume` then reads back; bytes per record are the segment files' size over
# COUNT. Prints each run, then a table of the medians. CODECS="none zstd" runs only those
# (none must be among them).
set -euo pipefail
dir=$1; rounds=${2:-3}; count=${3:-500000}
cairn=${CAIRN:-$dir/cairn}
read -r -a codecs <<<"${CODECS:-none zstd lz4 snappy gzip}"
source "$(dirname "$0")/cairnd.sh"
json_field() { python3 -c "import sys,json; print(json.loads(sys.stdin.read().splitlines()[0])['$1'])"; }
run_one() {  # codec -> "produce_rec_s produce_mb_s consume_rec_s bytes_per_record"
  local tmp port cairnd_pid produced consumed bytes
  tmp=$(mktemp -d /tmp/cairn-compression.XXXXXX)
  start_cairnd "$dir/cairnd" "$tmp" --fsync never --threads 2
  "$cairn" --broker "127.0.0.1:$port" topics create p --partitions 1 >/dev/null
  produced=$("$cairn" --broker "127.0.0.1:$port" perf produce p --count "$count" \
    --payload json-clickstream --compression "$1" --json 2>/dev/null | head -1)
  consumed=$("$cairn" --broker "127.0.0.1:$port" perf consume p --count "$count" --json \
    2>/dev/null | head -1)
  bytes=$(find "$tmp/data/topics/p/0" -name '*.log' -printf '%s\n' | awk '{s+=$1} END {print s}')
  kill "$cairnd_pid"; wait "$cairnd_pid" 2>/dev/null || true
  rm -rf "$tmp"
  echo "$(json_field records_per_sec <<<"$produced") $(json_field mb_per_sec <<<"$produced")" \
    "$(json_field records_per_sec <<<"$consumed") $(python3 -c "print($bytes / $count)")"
}
results=$(mktemp)
for round in $(seq "$rounds"); do
  for codec in "${codecs[@]}"; do
    line=$(run_one "$codec")
    echo "round $round $codec: produce rec/s, MB/s, consume rec/s, bytes/record: $line"
    echo "$codec $line" >>"$results"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
runs = {}
for line in open(sys.argv[1]):
    codec, *figures = line.split()
    runs.setdefault(codec, []).append([float(f) for f in figures])
med = {c: [statistics.median(col) for col in zip(*rows)] for c, rows in runs.items()}
none = med["none"]
print("| codec | bytes/record on disk | ratio vs none | produce rec/s | produce MB/s | % of none | consume rec/s |")
print("|---|---:|---:|---:|---:|---:|---:|")
for codec in [c for c in ["none", "zstd", "lz4", "snappy", "gzip"] if c in med]:
    p, mb, c, b = med[codec]
    print(f"| {codec} | {b:.0f} | {none[3] / b:.2f}x | {p:,.0f} | {mb:.1f} | {100 * p / none[0]:.0f}% | {c:,.0f} |")
PY
rm -f "$results"
