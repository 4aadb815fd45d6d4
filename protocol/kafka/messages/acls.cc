#include "protocol/kafka/messages/acls.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(CreateAclsRequest);
CAIRN_KAFKA_MESSAGE(CreateAclsResponse);
CAIRN_KAFKA_MESSAGE(DescribeAclsRequest);
CAIRN_KAFKA_MESSAGE(DescribeAclsResponse);
CAIRN_KAFKA_MESSAGE(DeleteAclsRequest);
CAIRN_KAFKA_MESSAGE(DeleteAclsResponse);

}  // namespace cairn::protocol::kafka
