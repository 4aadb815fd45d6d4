#pragma once

// Bodies of the consumer-group APIs (PROTOCOL.md, "Consumer groups"). The
// group APIs carry their outcome as an error code in the body: a rebalance or an unknown member
// is an answer, not a failed request.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

// FindCoordinator's key types.
inline constexpr uint8_t kCoordinatorKeyGroup = 0;
inline constexpr uint8_t kCoordinatorKeyTransaction = 1;

struct FindCoordinatorRequest {
  std::string key;                          // a group id or a transactional id
  uint8_t key_type = kCoordinatorKeyGroup;  // kCoordinatorKeyGroup or kCoordinatorKeyTransaction

  void encode(Encoder& e, uint16_t version) const;
  static Result<FindCoordinatorRequest> decode(Bytes body, uint16_t version);
};

struct FindCoordinatorResponse {
  ErrorCode error = ErrorCode::kNone;
  int32_t node_id = 0;
  std::string host;
  uint16_t port = 0;

  void encode(Encoder& e, uint16_t version) const;
  static Result<FindCoordinatorResponse> decode(Bytes body, uint16_t version);
};

struct JoinGroupRequest {
  std::string group_id;
  int32_t session_timeout_ms = 10000;
  int32_t rebalance_timeout_ms = 30000;
  std::string member_id;            // empty for a consumer joining for the first time
  std::string strategy = "range";   // "range" or "roundrobin"
  std::vector<std::string> topics;  // the subscription

  void encode(Encoder& e, uint16_t version) const;
  static Result<JoinGroupRequest> decode(Bytes body, uint16_t version);
};

struct GroupMemberInfo {
  std::string member_id;
  std::string client_id;
};

struct JoinGroupResponse {
  ErrorCode error = ErrorCode::kNone;
  int32_t generation = -1;
  std::string member_id;
  std::string leader;  // member id of the first member, for information
  std::string strategy;
  std::vector<GroupMemberInfo> members;

  void encode(Encoder& e, uint16_t version) const;
  static Result<JoinGroupResponse> decode(Bytes body, uint16_t version);
};

struct TopicPartitions {
  std::string topic;
  std::vector<int32_t> partitions;
};

// A member's assignment, as SyncGroup and DescribeGroups carry it: array of { topic string,
// partitions array of i32 }.
void encode_assignment(Encoder& e, const std::vector<TopicPartitions>& assignment);
std::vector<TopicPartitions> decode_assignment(Decoder& d);

struct SyncGroupRequest {
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;

  void encode(Encoder& e, uint16_t version) const;
  static Result<SyncGroupRequest> decode(Bytes body, uint16_t version);
};

struct SyncGroupResponse {
  ErrorCode error = ErrorCode::kNone;
  std::vector<TopicPartitions> assignment;

  void encode(Encoder& e, uint16_t version) const;
  static Result<SyncGroupResponse> decode(Bytes body, uint16_t version);
};

// Heartbeat and LeaveGroup share a request shape and answer with an error code alone.
struct HeartbeatRequest {
  std::string group_id;
  int32_t generation = -1;
  std::string member_id;

  void encode(Encoder& e, uint16_t version) const;
  static Result<HeartbeatRequest> decode(Bytes body, uint16_t version);
};

struct LeaveGroupRequest {
  std::string group_id;
  std::string member_id;

  void encode(Encoder& e, uint16_t version) const;
  static Result<LeaveGroupRequest> decode(Bytes body, uint16_t version);
};

struct GroupErrorResponse {
  ErrorCode error = ErrorCode::kNone;

  void encode(Encoder& e, uint16_t version) const;
  static Result<GroupErrorResponse> decode(Bytes body, uint16_t version);
};
using HeartbeatResponse = GroupErrorResponse;
using LeaveGroupResponse = GroupErrorResponse;

struct CommitPartition {
  int32_t partition = 0;
  int64_t offset = 0;  // the next offset to consume; the broker checks its range per partition
  std::string metadata;
};

struct CommitTopic {
  std::string name;
  std::vector<CommitPartition> partitions;
};

struct OffsetCommitRequest {
  std::string group_id;
  int32_t generation = -1;  // -1: a commit from outside the group's membership (empty group only)
  std::string member_id;
  std::vector<CommitTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetCommitRequest> decode(Bytes body, uint16_t version);
};

struct PartitionError {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
};

struct TopicPartitionErrors {
  std::string name;
  std::vector<PartitionError> partitions;
};

struct OffsetCommitResponse {
  std::vector<TopicPartitionErrors> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetCommitResponse> decode(Bytes body, uint16_t version);
};

struct OffsetFetchRequest {
  std::string group_id;
  std::optional<std::vector<TopicPartitions>> topics;  // nullopt: every committed partition

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetFetchRequest> decode(Bytes body, uint16_t version);
};

struct FetchedOffset {
  int32_t partition = 0;
  int64_t offset = -1;  // -1: nothing committed
  std::string metadata;
  ErrorCode error = ErrorCode::kNone;
};

struct FetchedOffsets {
  std::string name;
  std::vector<FetchedOffset> partitions;
};

struct OffsetFetchResponse {
  ErrorCode error = ErrorCode::kNone;
  std::vector<FetchedOffsets> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<OffsetFetchResponse> decode(Bytes body, uint16_t version);
};

struct ListGroupsRequest {
  void encode(Encoder&, uint16_t) const {}
  static Result<ListGroupsRequest> decode(Bytes body, uint16_t version);
};

struct GroupListing {
  std::string group_id;
  std::string state;  // Empty, PreparingRebalance, Stable
  int32_t members = 0;
};

struct ListGroupsResponse {
  std::vector<GroupListing> groups;

  void encode(Encoder& e, uint16_t version) const;
  static Result<ListGroupsResponse> decode(Bytes body, uint16_t version);
};

struct DescribeGroupsRequest {
  std::vector<std::string> groups;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeGroupsRequest> decode(Bytes body, uint16_t version);
};

struct DescribedMember {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::vector<TopicPartitions> assignment;
};

struct DescribedGroup {
  std::string group_id;
  ErrorCode error = ErrorCode::kNone;
  std::string state;
  std::string strategy;
  int32_t generation = 0;
  std::vector<DescribedMember> members;
};

struct DescribeGroupsResponse {
  std::vector<DescribedGroup> groups;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DescribeGroupsResponse> decode(Bytes body, uint16_t version);
};

// DeleteGroups: deletes groups that have no members, with their committed offsets.
struct DeleteGroupsRequest {
  std::vector<std::string> groups;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DeleteGroupsRequest> decode(Bytes body, uint16_t version);
};

struct DeletedGroup {
  std::string group_id;
  ErrorCode error = ErrorCode::kNone;
  std::string message;  // why, when error is set
};

struct DeleteGroupsResponse {
  std::vector<DeletedGroup> groups;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DeleteGroupsResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
