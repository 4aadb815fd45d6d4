#include "protocol/kafka/messages/configs.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(DescribeConfigsRequest);
CAIRN_KAFKA_MESSAGE(DescribeConfigsResponse);
CAIRN_KAFKA_MESSAGE(AlterConfigsRequest);
CAIRN_KAFKA_MESSAGE(AlterConfigsResponse);
CAIRN_KAFKA_MESSAGE(IncrementalAlterConfigsRequest);
CAIRN_KAFKA_MESSAGE(IncrementalAlterConfigsResponse);

}  // namespace cairn::protocol::kafka
