#!/usr/bin/env bash
# MirrorMaker 2 copying topics from Cairn into a Kafka cluster, with the consumer groups' offsets
# translated, so a consumer group can move from Cairn to Kafka (README, "Pipelines on Cairn":
# the migration step by step). Topics keep their names (IdentityReplicationPolicy). Runs until
# stopped (Ctrl-C).
#   mirror-to-kafka.sh CAIRN_BOOTSTRAP KAFKA_BOOTSTRAP [TOPICS_REGEX] [GROUPS_REGEX]
#   e.g. mirror-to-kafka.sh 127.0.0.1:9092 kafka1:9092 'orders|payments' '.*'
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/jars.sh"
[ $# -ge 2 ] || { sed -n '2,8p' "$0"; exit 2; }
state=${MM2_STATE_DIR:-$CONNECT_DIR/target/mirror-to-kafka}
mkdir -p "$state"
connect_jars
cat >"$state/mm2.properties" <<PROPS
clusters = cairn, kafka
cairn.bootstrap.servers = $1
kafka.bootstrap.servers = $2
cairn->kafka.enabled = true
cairn->kafka.topics = ${3:-.*}
cairn->kafka.groups = ${4:-.*}
kafka->cairn.enabled = false
replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy
sync.group.offsets.enabled = true
sync.group.offsets.interval.seconds = 1
emit.checkpoints.interval.seconds = 1
refresh.topics.interval.seconds = 5
refresh.groups.interval.seconds = 5
offset.lag.max = 0
sync.topic.acls.enabled = false
# one-node clusters; raise these for a real Kafka cluster
replication.factor = ${MM2_REPLICATION_FACTOR:-1}
checkpoints.topic.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
heartbeats.topic.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
offset-syncs.topic.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
offset.storage.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
status.storage.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
config.storage.replication.factor = ${MM2_REPLICATION_FACTOR:-1}
PROPS
exec java -Xmx512m -cp "$CONNECT_LIB/*" org.apache.kafka.connect.mirror.MirrorMaker \
  "$state/mm2.properties"
