#!/usr/bin/env bash
# cost.sh [COUNT] [SIZE]: the broker's CPU per GB produced and consumed, at 1 and 2 broker
# threads (issue 17's cost model). For each thread count, ROUNDS (default 3) times: a fresh
# release cairnd (fsync per FSYNC, default always; data in a temp dir), one topic of 8
# partitions, `cairn perf produce` of COUNT (default 5,000,000) records of SIZE (default 100) B
# with 4 producers, then `cairn perf consume` of all of them. The broker's CPU is utime + stime
# from /proc/PID/stat around each phase, so other load on the machine barely moves it. Prints
# each run: records/s and broker CPU-seconds per GB of record values for produce and consume.
#   CAIRND=path CAIRN=path to use other binaries.
set -euo pipefail
source "$(dirname "$0")/cairnd.sh"
release_binaries
count=${1:-5000000}; size=${2:-100}
tmp=""
trap '[[ -n "${cairnd_pid:-}" ]] && kill $cairnd_pid 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"' EXIT
cpu() { awk '{print $14 + $15}' "/proc/$cairnd_pid/stat"; }  # clock ticks
ticks=$(getconf CLK_TCK)
field() { grep -o "$1=[0-9.]*" | cut -d= -f2; }
for round in $(seq "${ROUNDS:-3}"); do
  for threads in 1 2; do
    tmp=$(mktemp -d /tmp/cairn-cost.XXXXXX)
    start_cairnd "$cairnd" "$tmp" --fsync "${FSYNC:-always}" --threads "$threads"
    broker=127.0.0.1:$port
    "$cairn" --broker "$broker" topics create c --partitions 8 >/dev/null
    c0=$(cpu)
    produced=$("$cairn" --broker "$broker" perf produce c --count "$count" --size "$size" \
      --producers 4 | grep ^RESULT)
    c1=$(cpu)
    consumed=$("$cairn" --broker "$broker" perf consume c --count "$count" | grep ^RESULT)
    c2=$(cpu)
    python3 - "$round" "$threads" "$count" "$size" "$ticks" "$c0" "$c1" "$c2" \
      "$(field msgs_s <<<"$produced")" "$(field msgs_s <<<"$consumed")" <<'PY'
import sys
r, t, n, size, ticks, c0, c1, c2, prod, cons = sys.argv[1:]
gb = int(n) * int(size) / 1e9
p = (float(c1) - float(c0)) / float(ticks)
c = (float(c2) - float(c1)) / float(ticks)
print(f"round {r} threads {t}: produce {float(prod):,.0f} rec/s, {p / gb:.2f} broker CPU-s/GB; "
      f"consume {float(cons):,.0f} rec/s, {c / gb:.2f} broker CPU-s/GB")
PY
    kill "$cairnd_pid"; wait "$cairnd_pid" 2>/dev/null || true
    rm -rf "$tmp"; tmp=""
  done
done
