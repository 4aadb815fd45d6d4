#include "protocol/kafka/messages/list_offsets.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(ListOffsetsRequest);
CAIRN_KAFKA_MESSAGE(ListOffsetsResponse);
CAIRN_KAFKA_MESSAGE(OffsetForLeaderEpochRequest);
CAIRN_KAFKA_MESSAGE(OffsetForLeaderEpochResponse);

}  // namespace cairn::protocol::kafka
