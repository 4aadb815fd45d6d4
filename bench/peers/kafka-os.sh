# Apache Kafka with its default flush policy (the OS writes back; no fsync per append): the
# durability class of NATS JetStream, Redis everysec and Cairn's `--fsync interval:100`.
SYS_NAME=kafka-os
KAFKA_FLUSH=os
KAFKA_PORT=19394
source "$(dirname "${BASH_SOURCE[0]}")/kafka.sh"
