#include "protocol/kafka/messages/offsets.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(OffsetCommitRequest);
CAIRN_KAFKA_MESSAGE(OffsetCommitResponse);
CAIRN_KAFKA_MESSAGE(OffsetFetchRequest);
CAIRN_KAFKA_MESSAGE(OffsetFetchResponse);
CAIRN_KAFKA_MESSAGE(OffsetDeleteRequest);
CAIRN_KAFKA_MESSAGE(OffsetDeleteResponse);

}  // namespace cairn::protocol::kafka
