#include "protocol/kafka/messages/produce.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(ProduceRequest);
CAIRN_KAFKA_MESSAGE(ProduceResponse);

}  // namespace cairn::protocol::kafka
