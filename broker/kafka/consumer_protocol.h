#pragma once

// Kafka's consumer protocol: the bytes a consumer puts in JoinGroup's protocol metadata (its
// subscription) and gets in SyncGroup's assignment. Cairn assigns partitions on the broker, so
// it reads the topics of a subscription and writes assignments (version 0, no user data).

#include <string>
#include <vector>

#include "broker/group/assignor.h"
#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::broker::kafka {

// The topics of a ConsumerProtocolSubscription (any version; fields after the topics are not
// read). kInvalidArgument when the bytes are too short or a length runs past them.
Result<std::vector<std::string>> subscription_topics(protocol::Bytes metadata);

// A ConsumerProtocolAssignment v0 of `assignment`, appended to `out`.
void write_assignment(const std::vector<TopicPartitions>& assignment, std::vector<std::byte>& out);

}  // namespace cairn::broker::kafka
