# What the Kafka-protocol systems of the peer harness share: the jars of Apache Kafka (broker
# and tools, bench/peers/kafka/pom.xml) fetched once from Maven Central into $BUILD/kafka-lib,
# and the harness's three phases driven by Kafka's own ProducerPerformance and
# ConsumerPerformance, so a real Kafka and Cairn's Kafka listener run the same client code.
# Sourced by kafka.sh and cairn-kafka.sh; needs Java 17+ and Maven.
KAFKA_PEER_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_LIB="${BUILD:-/tmp/cairn-peers-build}/kafka-lib"
# The producer as `cairn perf produce` runs it: idempotent, acks=all, 256 KiB batches, 5 in flight.
KAFKA_PRODUCER_PROPS="acks=all enable.idempotence=true batch.size=262144 linger.ms=5 max.in.flight.requests.per.connection=5"

kafka_fetch_jars() {
  [ -f "$KAFKA_LIB/.complete" ] && return 0
  rm -rf "$KAFKA_LIB"
  mvn -q -f "$KAFKA_PEER_DIR/pom.xml" dependency:copy-dependencies -DoutputDirectory="$KAFKA_LIB" &&
    touch "$KAFKA_LIB/.complete"
}

kafka_java() {  # a class of the Kafka jars, with the JVM settings of Kafka's own scripts
  java -Xmx1G -Xms1G -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
    -cp "$KAFKA_LIB/*" "$@"
}

kafka_create_topic() {  # $1 port, $2 topic
  kafka_java org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$1" --create \
    --topic "$2" --partitions 1 --replication-factor 1
}

# ProducerPerformance's summary line:
#   N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, P999 ms 99.9th.
kafka_result_of_producer() {
  awk '/records sent,/ && /99.9th/ { line = $0 } END {
    if (line == "") exit 1
    gsub(/[(),]/, " ", line); n = split(line, f, " ")
    for (i = 1; i <= n; i++) {
      if (f[i] == "records/sec") rate = f[i-1]
      if (f[i] == "MB/sec") mb = f[i-1]
      if (f[i] == "50th") p50 = f[i-2]; if (f[i] == "99th") p99 = f[i-2]; if (f[i] == "99.9th.") p999 = f[i-2]
    }
    printf "RESULT msgs_s=%d mb_s=%.1f p50_us=%d p99_us=%d p999_us=%d achieved_rate=%d\n", rate, mb, p50 * 1000, p99 * 1000, p999 * 1000, rate
  }'
}

kafka_produce() {  # $1 port, $2 count, $3 size, $4 throughput (-1 = unlimited), $5 topic
  kafka_java org.apache.kafka.tools.ProducerPerformance --topic "${5:-bench}" --num-records "$2" \
    --record-size "$3" --throughput "$4" \
    --producer-props bootstrap.servers="127.0.0.1:$1" $KAFKA_PRODUCER_PROPS | tee /dev/stderr |
    kafka_result_of_producer
}

sys_produce() { kafka_produce "$1" "$2" "$3" -1; }

sys_consume() {  # ConsumerPerformance's CSV line: start, end, MB, MB/s, msgs, msgs/s, rebalance ms, fetch ms, ...
  kafka_java org.apache.kafka.tools.ConsumerPerformance --bootstrap-server "127.0.0.1:$1" \
    --topic bench --messages "$2" --group g1 --timeout 60000 | tee /dev/stderr |
    awk -F', *' 'NF >= 6 && $5 ~ /^[0-9]+$/ { printf "RESULT msgs_s=%d mb_s=%.1f\n", $6, $4; found = 1 }
                 END { exit !found }'
}

# Open loop at RATE through ProducerPerformance's throttle, acks=all, one record per send; its
# percentiles are whole milliseconds, so the µs columns have a 1,000 µs resolution here.
sys_latency() {  # $1 port, $2 rate, $3 seconds, $4 size
  local topic="lat-$$-$RANDOM"
  kafka_create_topic "$1" "$topic" >/dev/null || return 1
  kafka_produce "$1" $(( $2 * $3 )) "$4" "$2" "$topic"
}
