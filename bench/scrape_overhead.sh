#!/usr/bin/env bash
# scrape_overhead.sh DIR [ROUNDS] [COUNT]: what scraping /metrics every second costs produce
# throughput. DIR holds a release cairnd and cairn. Alternates, ROUNDS times each, a fresh
# cairnd (2 threads, fsync never, data in a temp dir) with its HTTP listener on and /metrics
# scraped every second during `cairn perf produce` (COUNT records of 100 bytes, one partition),
# and one with --http-listen ''. Prints each run's records/s and the medians.
set -euo pipefail
dir=$1; rounds=${2:-3}; count=${3:-1000000}
run_one() {  # scrape|off
  local tmp port http pid scraper="" rate
  tmp=$(mktemp -d /tmp/cairn-scrape.XXXXXX)
  local listen=(--http-listen '')
  [[ $1 == scrape ]] && listen=(--http-listen 127.0.0.1:0)
  "$dir/cairnd" --listen 127.0.0.1:0 --kafka-listen '' "${listen[@]}" --data-dir "$tmp/data" --fsync never \
    --threads 2 >"$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    port=$(grep -o 'serving on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
    [[ -n "$port" ]] && break
    sleep 0.1
  done
  http=$(grep -o 'on http://127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f3 || true)
  "$dir/cairn" --broker "127.0.0.1:$port" topics create p --partitions 1 >/dev/null
  if [[ $1 == scrape ]]; then
    (while :; do curl -s "http://127.0.0.1:$http/metrics" >/dev/null; sleep 1; done) &
    scraper=$!
  fi
  rate=$("$dir/cairn" --broker "127.0.0.1:$port" perf produce p --count "$count" --size 100 \
    --json 2>/dev/null | python3 -c 'import sys,json; print(json.loads(sys.stdin.read().splitlines()[0])["records_per_sec"])')
  [[ -n "$scraper" ]] && kill "$scraper" && wait "$scraper" 2>/dev/null || true
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
  echo "$rate"
}
scrape=(); off=()
for _ in $(seq "$rounds"); do
  scrape+=("$(run_one scrape)"); echo "scraped every 1 s: ${scrape[-1]} records/s"
  off+=("$(run_one off)"); echo "listener off:       ${off[-1]} records/s"
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms=$(median "${scrape[@]}"); mo=$(median "${off[@]}")
python3 -c "print(f'medians: scraped {float($ms):.0f}, off {float($mo):.0f} records/s, difference {100*(float($ms)-float($mo))/float($mo):+.1f}%')"
