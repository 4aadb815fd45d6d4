#include "protocol/kafka/messages/fetch.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(FetchRequest);
CAIRN_KAFKA_MESSAGE(FetchResponse);

}  // namespace cairn::protocol::kafka
