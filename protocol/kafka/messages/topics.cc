#include "protocol/kafka/messages/topics.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(CreateTopicsRequest);
CAIRN_KAFKA_MESSAGE(CreateTopicsResponse);
CAIRN_KAFKA_MESSAGE(DeleteTopicsRequest);
CAIRN_KAFKA_MESSAGE(DeleteTopicsResponse);
CAIRN_KAFKA_MESSAGE(CreatePartitionsRequest);
CAIRN_KAFKA_MESSAGE(CreatePartitionsResponse);
CAIRN_KAFKA_MESSAGE(DeleteRecordsRequest);
CAIRN_KAFKA_MESSAGE(DeleteRecordsResponse);

}  // namespace cairn::protocol::kafka
