#!/usr/bin/env bash
# Builds (the first time) and runs the Kafka Streams word count against a broker's Kafka
# listener: lines of INPUT counted by word into OUTPUT. Ctrl-C stops it cleanly; a restart goes on
# from its committed offsets, its state restored from the changelog topic if STATE_DIR is gone.
#   run.sh BOOTSTRAP INPUT OUTPUT [STATE_DIR] [GUARANTEE] [APPLICATION_ID]
#   e.g. run.sh 127.0.0.1:9092 text-input word-counts
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${STREAMS_OUT:-$dir/target}"
[ $# -ge 3 ] || { sed -n '2,7p' "$0"; exit 2; }
if [ ! -f "$out/.complete" ]; then
  { mvn -B -q -o -f "$dir/pom.xml" package "-Dcairn.out=$out" >/dev/null 2>&1 ||
    mvn -B -q -f "$dir/pom.xml" package "-Dcairn.out=$out"; } && touch "$out/.complete"
fi
exec java -Xmx512m -cp "$out/classes:$out/lib/*" dev.cairn.examples.WordCount "$1" "$2" "$3" \
  "${4:-$out/state}" "${5:-at_least_once}" "${6:-word-count}"
