# Cairn through its Kafka listener as a system of the peer harness, driven by the same Kafka
# ProducerPerformance/ConsumerPerformance as kafka.sh (kafka/tools.sh), so the two differ only
# in the broker. CAIRN_FSYNC as in cairn.sh (default always).
source "$(dirname "${BASH_SOURCE[0]}")/kafka/tools.sh"
CAIRN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CAIRN_FSYNC=${CAIRN_FSYNC:-always}
SYS_NAME=${SYS_NAME:-cairn-kafka}
SYS_PORT=${CAIRN_KAFKA_PORT:-19492}
SYS_START_TIMEOUT=60
SYS_NOTE="cairnd's Kafka listener, fsync $CAIRN_FSYNC, 1 partition; Kafka's ProducerPerformance/ConsumerPerformance as for kafka"

sys_version() { "$CAIRN_ROOT/build/release/tools/cairnd" --version; }
sys_build() { "$CAIRN_ROOT/tools/build.sh" release cairnd && kafka_fetch_jars; }
sys_start() {  # $1 data dir, $2 port (the Kafka listener's; the Cairn listener takes a free one)
  exec "$CAIRN_ROOT/build/release/tools/cairnd" --listen 127.0.0.1:0 --kafka-listen "127.0.0.1:$2" \
    --kafka-advertised "127.0.0.1:$2" --http-listen '' --data-dir "$1" --fsync "$CAIRN_FSYNC" \
    --log-level warn
}
sys_ready() { kafka_create_topic "$1" bench; }
