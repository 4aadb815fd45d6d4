#!/usr/bin/env bash
# Builds (the first time) and runs the Flink window count against a broker's Kafka listener:
# clicks "user,epoch-millis" of INPUT counted per user and 10-second event-time window into
# OUTPUT ("user,window-start,count"). The job ends when every window of INPUT's records has fired.
#   run.sh BOOTSTRAP INPUT OUTPUT
#   e.g. run.sh 127.0.0.1:9092 clicks click-counts
set -euo pipefail
dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${FLINK_OUT:-$dir/target}"
[ $# -ge 3 ] || { sed -n '2,6p' "$0"; exit 2; }
if [ ! -f "$out/.complete" ]; then
  { mvn -B -q -o -f "$dir/pom.xml" package "-Dcairn.out=$out" >/dev/null 2>&1 ||
    mvn -B -q -f "$dir/pom.xml" package "-Dcairn.out=$out"; } && touch "$out/.complete"
fi
# Flink 2 on Java 17 reflects into these JDK packages.
exec java -Xmx1g --add-opens=java.base/java.util=ALL-UNNAMED \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED \
  -cp "$out/classes:$out/lib/*" dev.cairn.examples.WindowCounts "$1" "$2" "$3"
