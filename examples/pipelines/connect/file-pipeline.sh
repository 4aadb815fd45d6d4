#!/usr/bin/env bash
# A file's lines through Cairn into another file, with Kafka Connect's standalone worker and its
# FileStream connectors: the source appends each new line of INPUT to TOPIC, the sink appends
# each record of TOPIC to OUTPUT. Runs until stopped (Ctrl-C); a restart resumes where it
# stopped (source offsets in STATE_DIR, the sink's in Cairn's group connect-file-sink).
#   file-pipeline.sh BOOTSTRAP INPUT OUTPUT [TOPIC] [STATE_DIR]
#   e.g. file-pipeline.sh 127.0.0.1:9092 /var/log/app.log /tmp/copy.log
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jars.sh"
[ $# -ge 3 ] || { sed -n '2,8p' "$0"; exit 2; }
bootstrap=$1 input=$(realpath -m "$2") output=$(realpath -m "$3") topic=${4:-lines}
state=${5:-$CONNECT_DIR/target/file-pipeline}
mkdir -p "$state"
connect_jars
cat >"$state/worker.properties" <<PROPS
bootstrap.servers=$bootstrap
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
offset.storage.file.filename=$state/source.offsets
offset.flush.interval.ms=1000
plugin.discovery=only_scan
PROPS
cat >"$state/source.properties" <<PROPS
name=file-source
connector.class=org.apache.kafka.connect.file.FileStreamSourceConnector
tasks.max=1
file=$input
topic=$topic
PROPS
cat >"$state/sink.properties" <<PROPS
name=file-sink
connector.class=org.apache.kafka.connect.file.FileStreamSinkConnector
tasks.max=1
file=$output
topics=$topic
PROPS
exec java -Xmx512m -cp "$CONNECT_LIB/*" org.apache.kafka.connect.cli.ConnectStandalone \
  "$state/worker.properties" "$state/source.properties" "$state/sink.properties"
