#!/usr/bin/env bash
# security_cost.sh DIR [ROUNDS] [COUNT]: what the authorizer costs, and how long a SASL login
# takes. DIR holds a release cairnd and cairn. For each of ROUNDS rounds, a fresh cairnd (2
# threads, fsync never, data in a temp dir, one partition) with the authorizer off and then one
# with it on (User:ANONYMOUS granted write and read on the topic, so every request is checked
# and allowed) takes COUNT 100 B records from `cairn perf produce`, which `cairn perf consume`
# reads back; prints each run, then the medians. Then one cairnd with SCRAM on both listeners
# times LOGINS SASL logins (default 200) on its Kafka listener with bench/sasl_login.py.
set -euo pipefail
dir=$1; rounds=${2:-3}; count=${3:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
json_field() { python3 -c "import sys,json; print(json.loads(sys.stdin.read().splitlines()[0])['$1'])"; }
start_broker() {  # tmp, extra args... -> sets pid, port, kafka
  local tmp=$1; shift
  "$dir/cairnd" --listen 127.0.0.1:0 --kafka-listen 127.0.0.1:0 --http-listen '' \
    --data-dir "$tmp/data" --fsync never --threads 2 "$@" >"$tmp/log" 2>&1 &
  pid=$!
  for _ in $(seq 200); do
    port=$(grep -o 'serving on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
    kafka=$(grep -o 'kafka listener on 127.0.0.1:[0-9]*' "$tmp/log" | head -1 | cut -d: -f2 || true)
    [[ -n "$port" && -n "$kafka" ]] && return
    sleep 0.1
  done
  cat "$tmp/log" >&2; exit 1
}
run_one() {  # off|on -> "produce_rec_s consume_rec_s"
  local tmp produced consumed args=()
  tmp=$(mktemp -d /tmp/cairn-security-cost.XXXXXX)
  if [[ $1 == on ]]; then
    for grant in "--operation write,read --topic p" "--operation read --group perf"; do
      # shellcheck disable=SC2086
      "$dir/cairn" acl add --principal 'User:*' $grant --data-dir "$tmp/data" >/dev/null
    done
    "$dir/cairn" acl add --principal 'User:*' --operation create --cluster \
      --data-dir "$tmp/data" >/dev/null
    args=(--authorizer on)
  fi
  start_broker "$tmp" "${args[@]}"
  "$dir/cairn" --broker "127.0.0.1:$port" topics create p --partitions 1 >/dev/null
  produced=$("$dir/cairn" --broker "127.0.0.1:$port" perf produce p --count "$count" --size 100 \
    --json 2>/dev/null | head -1)
  consumed=$("$dir/cairn" --broker "127.0.0.1:$port" perf consume p --count "$count" --json \
    2>/dev/null | head -1)
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$tmp"
  echo "$(json_field records_per_sec <<<"$produced") $(json_field records_per_sec <<<"$consumed")"
}
results=$(mktemp)
for round in $(seq "$rounds"); do
  for mode in off on; do
    line=$(run_one "$mode")
    echo "round $round authorizer $mode: produce, consume rec/s: $line"
    echo "$mode $line" >>"$results"
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for mode in ["off", "on"]:
    mine = [r for r in rows if r[0] == mode]
    p = statistics.median(float(r[1]) for r in mine)
    c = statistics.median(float(r[2]) for r in mine)
    print(f"authorizer {mode}: median produce {p:,.0f} rec/s, consume {c:,.0f} rec/s")
PY
rm -f "$results"
tmp=$(mktemp -d /tmp/cairn-security-cost.XXXXXX)
printf 'bench-secret\n' >"$tmp/pw"
"$dir/cairn" users add bench --password-file "$tmp/pw" --data-dir "$tmp/data" >/dev/null
start_broker "$tmp" --sasl-mechanisms SCRAM-SHA-256,SCRAM-SHA-512
python3 "$here/sasl_login.py" "127.0.0.1:$kafka" bench bench-secret "${LOGINS:-200}"
kill "$pid"; wait "$pid" 2>/dev/null || true
rm -rf "$tmp"
