# A real Apache Kafka 4.4 as a system of the peer harness (../shared/peers/run.sh): one node in
# KRaft combined mode (broker and controller in one JVM, 1 GiB heap), jars from Maven Central,
# driven by Kafka's own ProducerPerformance/ConsumerPerformance (kafka/tools.sh).
#   SYSTEMS="$PWD/bench/peers/kafka.sh $PWD/bench/peers/cairn-kafka.sh $PWD/bench/peers/cairn.sh" ../shared/peers/run.sh
# KAFKA_FLUSH=always (this file's default) sets log.flush.interval.messages=1: Kafka fsyncs
# every append before acknowledging it, the durability of Cairn's `--fsync always`. kafka-os.sh
# keeps Kafka's default (the OS flushes; Kafka relies on replication instead).
source "$(dirname "${BASH_SOURCE[0]}")/kafka/tools.sh"
KAFKA_FLUSH=${KAFKA_FLUSH:-always}
SYS_NAME=${SYS_NAME:-kafka}
SYS_PORT=${KAFKA_PORT:-19392}
SYS_START_TIMEOUT=120
SYS_NOTE="Apache Kafka 4.4, KRaft combined, 1 partition, flush: $KAFKA_FLUSH; ProducerPerformance: idempotent, acks=all, 256 KiB batches, 5 in flight; ConsumerPerformance, group"

sys_version() { echo "Apache Kafka $(basename "$(ls "$KAFKA_LIB"/kafka_2.13-*.jar)" .jar | sed 's/kafka_2.13-//')"; }
sys_build() { kafka_fetch_jars; }
sys_start() {  # $1 data dir, $2 port
  local controller=$(( $2 + 1 )) config="$1/server.properties"
  mkdir -p "$1/logs"
  {
    echo "process.roles=broker,controller"
    echo "node.id=1"
    echo "controller.quorum.voters=1@127.0.0.1:$controller"
    echo "listeners=PLAINTEXT://127.0.0.1:$2,CONTROLLER://127.0.0.1:$controller"
    echo "advertised.listeners=PLAINTEXT://127.0.0.1:$2"
    echo "controller.listener.names=CONTROLLER"
    echo "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
    echo "log.dirs=$1/logs"
    echo "num.partitions=1"
    echo "offsets.topic.replication.factor=1"
    echo "offsets.topic.num.partitions=1"
    echo "transaction.state.log.replication.factor=1"
    echo "transaction.state.log.min.isr=1"
    echo "group.initial.rebalance.delay.ms=0"
    echo "auto.create.topics.enable=false"
    [ "$KAFKA_FLUSH" = always ] && echo "log.flush.interval.messages=1"
  } >"$config"
  kafka_java kafka.tools.StorageTool format -t "$(kafka_java kafka.tools.StorageTool random-uuid)" \
    -c "$config" >/dev/null || return 1
  exec java -Xmx1G -Xms1G -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -cp "$KAFKA_LIB/*" kafka.Kafka "$config"
}
sys_ready() { kafka_create_topic "$1" bench; }
