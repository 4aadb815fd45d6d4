#!/usr/bin/env bash
# exactly_once.sh DIR [ROUNDS] [COUNT]: what exactly-once costs a consume-transform-produce job.
# DIR holds a release cairnd, cairn and cairn_example_exactly_once. One cairnd (fsync per its
# default policy, `always`; data in a temp dir) holds COUNT records of 100 B in `in` (one
# partition). Each run moves all of them to a fresh `out` (one partition) with the exactly_once
# example, once with transactions of N records (the outputs and the input offsets committed
# together) and once `--at-least-once` (the same loop: produce N records, flush, commit the
# offsets), for N = 100, 1,000 and 10,000, ROUNDS times each; a run's throughput is the
# example's own (first record polled to last commit). Prints each run, then the medians and the
# exactly-once / at-least-once ratio per N. FSYNC=interval:100 runs cairnd with that policy
# instead (what the ratio is when no step waits for a sync).
set -euo pipefail
dir=$1; rounds=${2:-3}; count=${3:-1000000}
source "$(dirname "$0")/cairnd.sh"
tmp=$(mktemp -d /tmp/cairn-eos.XXXXXX)
trap 'kill $cairnd_pid 2>/dev/null; wait $cairnd_pid 2>/dev/null; rm -rf "$tmp"' EXIT
start_cairnd "$dir/cairnd" "$tmp" --fsync "${FSYNC:-always}"
broker=127.0.0.1:$port
"$dir/cairn" --broker "$broker" topics create in --partitions 1 >/dev/null
python3 -c "
import sys
for i in range($count): sys.stdout.write(f'{i:010d}' + 'x' * 90 + '\n')" >"$tmp/input"
"$dir/cairn" --broker "$broker" produce in <"$tmp/input"
rm -f "$tmp/input"
results=$(mktemp)
run=0
for round in $(seq "$rounds"); do
  for n in 100 1000 10000; do
    for mode in exactly-once at-least-once; do
      run=$((run + 1))
      "$dir/cairn" --broker "$broker" topics create out --partitions 1 >/dev/null
      flags=(--transaction-records "$n" --idle-exit-ms 2000)
      [[ $mode == at-least-once ]] && flags+=(--at-least-once)
      line=$("$dir/cairn_example_exactly_once" "$broker" in out "g$run" "tx$run" "${flags[@]}" \
        2>&1 | grep '^moved')
      rate=$(sed -E 's/.*\(([0-9]+) records\/s\).*/\1/' <<<"$line")
      echo "round $round n $n $mode: $line"
      echo "$n $mode $rate" >>"$results"
      "$dir/cairn" --broker "$broker" topics delete out >/dev/null
    done
  done
done
python3 - "$results" <<'EOF'
import sys, statistics
rates = {}
for line in open(sys.argv[1]):
    n, mode, rate = line.split()
    rates.setdefault((int(n), mode), []).append(float(rate))
print("records/txn  exactly-once rec/s  at-least-once rec/s  ratio")
for n in (100, 1000, 10000):
    e = statistics.median(rates[(n, "exactly-once")])
    a = statistics.median(rates[(n, "at-least-once")])
    print(f"{n:>11}  {e:>18,.0f}  {a:>19,.0f}  {e / a:5.2f}")
EOF
rm -f "$results"
