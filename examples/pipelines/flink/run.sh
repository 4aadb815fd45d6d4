#!/usr/bin/env bash
# Builds (the first time) and runs the Flink window count against a broker's Kafka listener:
# clicks "user,epoch-millis" of INPUT counted per user and 10-second event-time window into
# OUTPUT ("user,window-start,count"), exactly once (Kafka transactions, one per checkpoint) unless
# --at-least-once. The job ends when every window of INPUT's records has fired. Checkpoints (every
# second) are kept in DIR (default target/checkpoints); after a crash, --resume goes on from the
# newest. --rate slows the source to that many clicks a second.
#   run.sh BOOTSTRAP INPUT OUTPUT [--checkpoints DIR] [--resume] [--rate N] [--at-least-once]
#   e.g. run.sh 127.0.0.1:9092 clicks click-counts
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${FLINK_OUT:-$dir/target}"
[ $# -ge 3 ] || { sed -n '2,9p' "$0"; exit 2; }
# Built the first time, and again when the sources changed.
if [ ! -f "$out/.complete" ] || [ -n "$(find "$dir/src" "$dir/pom.xml" -newer "$out/.complete")" ]; then
  { mvn -B -q -o -f "$dir/pom.xml" package "-Dcairn.out=$out" >/dev/null 2>&1 ||
    mvn -B -q -f "$dir/pom.xml" package "-Dcairn.out=$out"; } && touch "$out/.complete"
fi
# Flink 2 on Java 17 reflects into these JDK packages. Flink logs at info, Kafka's clients at warn
# (Flink's metrics at error: every Kafka client's metrics collide by name).
exec java -Xmx1g -Dorg.slf4j.simpleLogger.log.org.apache.kafka=warn \
  -Dorg.slf4j.simpleLogger.log.org.apache.flink.metrics=error \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED \
  --add-opens=java.base/java.time=ALL-UNNAMED \
  -cp "$out/classes:$out/lib/*" dev.cairn.examples.WindowCounts "$1" "$2" "$3" \
  --checkpoints "$out/checkpoints" "${@:4}"
