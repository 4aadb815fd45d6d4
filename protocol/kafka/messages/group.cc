#include "protocol/kafka/messages/group.h"

#include "protocol/kafka/engine.h"

namespace cairn::protocol::kafka {

CAIRN_KAFKA_MESSAGE(FindCoordinatorRequest);
CAIRN_KAFKA_MESSAGE(FindCoordinatorResponse);
CAIRN_KAFKA_MESSAGE(JoinGroupRequest);
CAIRN_KAFKA_MESSAGE(JoinGroupResponse);
CAIRN_KAFKA_MESSAGE(SyncGroupRequest);
CAIRN_KAFKA_MESSAGE(SyncGroupResponse);
CAIRN_KAFKA_MESSAGE(HeartbeatRequest);
CAIRN_KAFKA_MESSAGE(HeartbeatResponse);
CAIRN_KAFKA_MESSAGE(LeaveGroupRequest);
CAIRN_KAFKA_MESSAGE(LeaveGroupResponse);

}  // namespace cairn::protocol::kafka
