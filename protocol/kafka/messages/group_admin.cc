#include "protocol/kafka/messages/group_admin.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(ListGroupsRequest);
CAIRN_KAFKA_MESSAGE(ListGroupsResponse);
CAIRN_KAFKA_MESSAGE(DescribeGroupsRequest);
CAIRN_KAFKA_MESSAGE(DescribeGroupsResponse);
CAIRN_KAFKA_MESSAGE(DeleteGroupsRequest);
CAIRN_KAFKA_MESSAGE(DeleteGroupsResponse);

}  // namespace cairn::protocol::kafka
