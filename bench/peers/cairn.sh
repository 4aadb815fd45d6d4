# Cairn as a system of the peers harness (../shared/peers/run.sh), kept in the project:
#   SYSTEMS="$PWD/bench/peers/cairn.sh nats-jetstream redis-everysec redis-always" ../shared/peers/run.sh
# Starts the release cairnd in the foreground on $DATA and drives it with `cairn perf`.
# CAIRN_FSYNC picks the durability policy (default always: fsync every batch, Cairn's default).
CAIRN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CAIRN_FSYNC=${CAIRN_FSYNC:-always}
SYS_NAME=${SYS_NAME:-cairn}
SYS_PORT=${CAIRN_PORT:-19292}
SYS_START_TIMEOUT=60
SYS_NOTE="fsync $CAIRN_FSYNC; 1 partition; cairn perf: idempotent producer, acks=all, 256 KiB batches, 5 in flight; consumer group"
CAIRN="$CAIRN_ROOT/build/release/tools/cairn"

sys_version() { "$CAIRN_ROOT/build/release/tools/cairnd" --version; }
sys_build() { "$CAIRN_ROOT/tools/build.sh" release cairnd cairn; }
sys_start() {  # $1 data dir, $2 port
  exec "$CAIRN_ROOT/build/release/tools/cairnd" --listen "127.0.0.1:$2" --http-listen '' --kafka-listen '' --data-dir "$1" \
    --fsync "$CAIRN_FSYNC" --log-level warn
}
sys_ready() { "$CAIRN" --broker "127.0.0.1:$1" topics create bench >/dev/null; }
sys_produce() { "$CAIRN" --broker "127.0.0.1:$1" perf produce bench --count "$2" --size "$3"; }
sys_consume() { "$CAIRN" --broker "127.0.0.1:$1" perf consume bench --count "$2" --group g1; }
sys_latency() {  # $1 port, $2 rate, $3 seconds, $4 size: open loop into a fresh topic
  local topic="lat-$$-$RANDOM"
  "$CAIRN" --broker "127.0.0.1:$1" topics create "$topic" >/dev/null || return 1
  "$CAIRN" --broker "127.0.0.1:$1" perf produce "$topic" --rate "$2" --count $(( $2 * $3 )) --size "$4"
}
