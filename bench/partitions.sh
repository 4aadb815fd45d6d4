#!/usr/bin/env bash
# partitions.sh: how one broker scales with the number of partitions. For each count it starts a
# release cairnd on an empty data directory, creates one topic with that many partitions, produces
# 100 B records spread over them by key (fsync as given, default always), stops the broker cleanly
# (SIGTERM), starts it again and reports:
#   produce  records/s of the produce run (every partition gets records: 20 keys per partition)
#   stop_s   seconds from SIGTERM to exit (a clean stop syncs and records every partition)
#   start_s  seconds from launch until the Cairn listener answers (every partition open)
#   rss_mib  the restarted broker's resident memory once it answers
#   fds      its open file descriptors
# Usage: bench/partitions.sh [COUNTS...]   (default: 1 8 64 1000 10000)
#   CAIRND=path CAIRN=path to use other binaries; FSYNC=interval:100 for another policy.
set -euo pipefail
source "$(dirname "$0")/cairnd.sh"
release_binaries
fsync=${FSYNC:-always}
port=${PORT:-19480}
counts=("$@")
[[ ${#counts[@]} -gt 0 ]] || counts=(1 8 64 1000 10000)
tmp=$(mktemp -d /var/tmp/cairn-partitions.XXXXXX)
pid=""
stop() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap 'stop; [[ -n "${KEEP:-}" ]] || rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
start() {  # sets $pid and $elapsed: the seconds until the listener answered
  local t0
  t0=$(now)
  "$cairnd" --listen "127.0.0.1:$port" --http-listen '' --kafka-listen '' --data-dir "$tmp/data" \
    --threads 2 --fsync "$fsync" --log-level warn 2>>"$tmp/cairnd.log" &
  pid=$!
  for _ in $(seq 6000); do
    if "$cairn" --broker "127.0.0.1:$port" topics list >/dev/null 2>&1; then
      elapsed=$(echo "$(now) - $t0" | bc)
      return
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "cairnd did not start:" >&2
  tail -3 "$tmp/cairnd.log" >&2
  exit 1
}
stop_timed() {  # SIGTERM; sets $elapsed: the seconds until the process exited
  local t0
  t0=$(now)
  kill -TERM "$pid"
  wait "$pid" || true
  pid=""
  elapsed=$(echo "$(now) - $t0" | bc)
}
c() { "$cairn" --broker "127.0.0.1:$port" "$@"; }

printf '%-11s %10s %8s %8s %8s %6s\n' partitions produce stop_s start_s rss_mib fds
for n in "${counts[@]}"; do
  stop
  rm -rf "$tmp/data"
  start
  c --request-timeout-ms 600000 topics create p --partitions "$n" >/dev/null
  records=$((n * 20 > 200000 ? n * 20 : 200000))
  rate=$(c perf produce p --count "$records" --size 100 --keys $((n * 20)) |
    sed -n 's/^RESULT .*msgs_s=\([0-9]*\).*/\1/p')
  stop_timed
  stopped=$elapsed
  start
  started=$elapsed
  rss_kib=$(awk '/^VmRSS/ {print $2}' "/proc/$pid/status")
  fds=$(ls "/proc/$pid/fd" | wc -l)
  printf '%-11s %10s %8.2f %8.2f %8.0f %6s\n' "$n" "$rate" "$stopped" "$started" \
    "$(echo "$rss_kib / 1024" | bc -l)" "$fds"
done
