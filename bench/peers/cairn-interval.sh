# Cairn with fsync every 100 ms: the durability class of NATS JetStream and Redis everysec.
SYS_NAME=cairn-interval
CAIRN_FSYNC=interval:100
CAIRN_PORT=19293
source "$(dirname "${BASH_SOURCE[0]}")/cairn.sh"
