#include "protocol/kafka/messages/metadata.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(MetadataRequest);
CAIRN_KAFKA_MESSAGE(MetadataResponse);
CAIRN_KAFKA_MESSAGE(DescribeClusterRequest);
CAIRN_KAFKA_MESSAGE(DescribeClusterResponse);

}  // namespace cairn::protocol::kafka
