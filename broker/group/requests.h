#pragma once

// The group operations' inputs and outputs, as any front end gives and takes them (no wire
// structs): what a member asks of its group's coordinator and what it is answered. Outcomes
// carry a protocol::ErrorCode, the broker's error vocabulary (error_mapping.h): a rebalance or
// an unknown member is an answer, not a failure of the call.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/group/assignor.h"
#include "broker/group/group.h"
#include "protocol/error_code.h"

namespace cairn::broker {

// A member joins a group the broker assigns (`strategy` and `topics`: Cairn's consumers and
// Kafka consumers using an assignor Cairn knows) or, with `protocols`, one whose leader assigns
// (Kafka Connect, Streams, any other protocol type): the broker then picks a protocol every
// member offers, hands the leader every member's metadata and passes the leader's assignments
// on (README, the Kafka listener).
struct JoinRequest {
  std::string group_id;
  std::string member_id;  // empty for a consumer joining for the first time
  std::string client_id;  // starts the member id the coordinator makes
  std::string client_host;
  std::chrono::milliseconds session_timeout{10'000};
  std::chrono::milliseconds rebalance_timeout{30'000};
  std::string strategy = "range";
  std::vector<std::string> topics;        // the subscription
  std::string protocol_type;              // a client-assigned group's, e.g. "connect"
  std::vector<ClientProtocol> protocols;  // non-empty: the group's leader assigns
};

struct MemberInfo {
  std::string member_id;
  std::string client_id;
  std::vector<std::byte> metadata;  // client-assigned: for the chosen protocol (leader only)
};

// Answered once the rebalance the join belongs to completes.
struct JoinResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int32_t generation = -1;
  std::string member_id;
  std::string leader;         // the member that assigns (broker-assigned: the id that sorts first)
  std::string strategy;       // broker-assigned: the assignor; client-assigned: the chosen protocol
  std::string protocol_type;  // client-assigned groups
  std::vector<MemberInfo> members;  // every member, in member-id order
};

// A member of a group at a generation: SyncGroup, Heartbeat, LeaveGroup.
struct MemberRequest {
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;
  // SyncGroup from a client-assigned group's leader: each member's assignment, opaque.
  std::vector<std::pair<std::string, std::vector<std::byte>>> assignments;
};

struct SyncResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<TopicPartitions> assignment;
  bool client_assigned = false;
  std::vector<std::byte> client_assignment;  // what the leader gave this member
};

struct CommitEntry {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset to consume
  std::string metadata;
};

// Answered with one ErrorCode per entry, in order.
struct CommitRequest {
  std::string group_id;
  int32_t generation = -1;  // -1: a commit from outside the group's membership (empty group only)
  std::string member_id;
  std::vector<CommitEntry> entries;
  // >= 0: a transactional commit (TxnOffsetCommit) of this producer, pending until its marker;
  // generation -1 with an empty member id then skips the membership check.
  int64_t producer_id = -1;
};

struct OffsetsRequest {
  std::string group_id;
  std::optional<std::vector<TopicPartitionKey>> partitions;  // nullopt: every committed partition
  // A partition with transactional offsets pending answers UNSTABLE_OFFSET_COMMIT (else its
  // last committed offset).
  bool require_stable = true;
};

struct FetchedOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = -1;  // -1: nothing committed
  std::string metadata;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
};

// With partitions asked: one entry per partition, in order. Without: every committed one, by
// topic and partition.
struct OffsetsResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<FetchedOffset> offsets;
};

struct GroupListing {
  std::string group_id;
  std::string state;  // Empty, PreparingRebalance, CompletingRebalance, Stable
  int32_t members = 0;
  std::string protocol_type;  // empty for a broker-assigned group
};

struct MemberDescription {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::vector<TopicPartitions> assignment;   // broker-assigned groups
  std::vector<std::byte> metadata;           // client-assigned: for the group's protocol
  std::vector<std::byte> client_assignment;  // client-assigned: what the leader gave it
};

struct GroupDescription {
  std::string group_id;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string state;
  std::string strategy;
  std::string protocol_type;  // empty for a broker-assigned group
  int32_t generation = 0;
  std::vector<MemberDescription> members;
};

// What deleting a group came to: NONE, or why not (NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, ...)
// with a message that says what to do.
struct DeleteGroupResult {
  std::string group_id;
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
};

}  // namespace cairn::broker
