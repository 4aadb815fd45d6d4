#include "protocol/kafka/messages/connection.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(ApiVersionsRequest);
CAIRN_KAFKA_MESSAGE(ApiVersionsResponse);
CAIRN_KAFKA_MESSAGE(SaslHandshakeRequest);
CAIRN_KAFKA_MESSAGE(SaslHandshakeResponse);
CAIRN_KAFKA_MESSAGE(SaslAuthenticateRequest);
CAIRN_KAFKA_MESSAGE(SaslAuthenticateResponse);

}  // namespace cairn::protocol::kafka
