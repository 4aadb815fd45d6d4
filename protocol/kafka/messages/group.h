#pragma once

// The classic consumer-group protocol: FindCoordinator (10), JoinGroup (11), SyncGroup (14),
// Heartbeat (12) and LeaveGroup (13). Member metadata and assignments are opaque bytes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

// key_type: 0 group, 1 transaction, 2 share. Versions 4+ ask for several keys at once.
struct FindCoordinatorRequest {
  static constexpr const ApiSpec& kApi = kFindCoordinatorApi;
  std::string key;
  int8_t key_type = 0;
  std::vector<std::string> coordinator_keys;

  template <class Io>
  void fields(Io& io) {
    io(key, "Key", Versions{0, 3});
    io(key_type, "KeyType", Versions{1});
    io(coordinator_keys, "CoordinatorKeys", Versions{4});
  }
  bool operator==(const FindCoordinatorRequest&) const = default;
};

struct Coordinator {
  std::string key;
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";

  template <class Io>
  void fields(Io& io) {
    io(key, "Key", Versions{4});
    io(node_id, "NodeId", Versions{4});
    io(host, "Host", Versions{4});
    io(port, "Port", Versions{4});
    io(error_code, "ErrorCode", Versions{4});
    io(error_message, "ErrorMessage", Versions{4}, Nullable{4});
  }
  bool operator==(const Coordinator&) const = default;
};

struct FindCoordinatorResponse {
  static constexpr const ApiSpec& kApi = kFindCoordinatorApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::vector<Coordinator> coordinators;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{0, 3});
    io(error_message, "ErrorMessage", Versions{1, 3}, Nullable{1, 3});
    io(node_id, "NodeId", Versions{0, 3});
    io(host, "Host", Versions{0, 3});
    io(port, "Port", Versions{0, 3});
    io(coordinators, "Coordinators", Versions{4});
  }
  bool operator==(const FindCoordinatorResponse&) const = default;
};

struct JoinGroupRequestProtocol {
  std::string name;
  BytesView metadata;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(metadata, "Metadata", Versions{0});
  }
  bool operator==(const JoinGroupRequestProtocol&) const = default;
};

struct JoinGroupRequest {
  static constexpr const ApiSpec& kApi = kJoinGroupApi;
  std::string group_id;
  int32_t session_timeout_ms = 0;
  int32_t rebalance_timeout_ms = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string protocol_type;
  std::vector<JoinGroupRequestProtocol> protocols;
  std::optional<std::string> reason;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(session_timeout_ms, "SessionTimeoutMs", Versions{0});
    io(rebalance_timeout_ms, "RebalanceTimeoutMs", Versions{1});
    io(member_id, "MemberId", Versions{0});
    io(group_instance_id, "GroupInstanceId", Versions{5}, Nullable{5});
    io(protocol_type, "ProtocolType", Versions{0});
    io(protocols, "Protocols", Versions{0});
    io(reason, "Reason", Versions{8}, Nullable{8});
  }
  bool operator==(const JoinGroupRequest&) const = default;
};

struct JoinGroupResponseMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  BytesView metadata;

  template <class Io>
  void fields(Io& io) {
    io(member_id, "MemberId", Versions{0});
    io(group_instance_id, "GroupInstanceId", Versions{5}, Nullable{5});
    io(metadata, "Metadata", Versions{0});
  }
  bool operator==(const JoinGroupResponseMember&) const = default;
};

struct JoinGroupResponse {
  static constexpr const ApiSpec& kApi = kJoinGroupApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  int32_t generation_id = -1;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name = "";
  std::string leader;
  bool skip_assignment = false;
  std::string member_id;
  std::vector<JoinGroupResponseMember> members;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{2});
    io(error_code, "ErrorCode", Versions{0});
    io(generation_id, "GenerationId", Versions{0});
    io(protocol_type, "ProtocolType", Versions{7}, Nullable{7});
    io(protocol_name, "ProtocolName", Versions{0}, Nullable{7});
    io(leader, "Leader", Versions{0});
    io(skip_assignment, "SkipAssignment", Versions{9});
    io(member_id, "MemberId", Versions{0});
    io(members, "Members", Versions{0});
  }
  bool operator==(const JoinGroupResponse&) const = default;
};

struct SyncGroupRequestAssignment {
  std::string member_id;
  BytesView assignment;

  template <class Io>
  void fields(Io& io) {
    io(member_id, "MemberId", Versions{0});
    io(assignment, "Assignment", Versions{0});
  }
  bool operator==(const SyncGroupRequestAssignment&) const = default;
};

struct SyncGroupRequest {
  static constexpr const ApiSpec& kApi = kSyncGroupApi;
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  std::vector<SyncGroupRequestAssignment> assignments;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(generation_id, "GenerationId", Versions{0});
    io(member_id, "MemberId", Versions{0});
    io(group_instance_id, "GroupInstanceId", Versions{3}, Nullable{3});
    io(protocol_type, "ProtocolType", Versions{5}, Nullable{5});
    io(protocol_name, "ProtocolName", Versions{5}, Nullable{5});
    io(assignments, "Assignments", Versions{0});
  }
  bool operator==(const SyncGroupRequest&) const = default;
};

struct SyncGroupResponse {
  static constexpr const ApiSpec& kApi = kSyncGroupApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> protocol_type;
  std::optional<std::string> protocol_name;
  BytesView assignment;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{0});
    io(protocol_type, "ProtocolType", Versions{5}, Nullable{5});
    io(protocol_name, "ProtocolName", Versions{5}, Nullable{5});
    io(assignment, "Assignment", Versions{0});
  }
  bool operator==(const SyncGroupResponse&) const = default;
};

struct HeartbeatRequest {
  static constexpr const ApiSpec& kApi = kHeartbeatApi;
  std::string group_id;
  int32_t generation_id = 0;
  std::string member_id;
  std::optional<std::string> group_instance_id;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(generation_id, "GenerationId", Versions{0});
    io(member_id, "MemberId", Versions{0});
    io(group_instance_id, "GroupInstanceId", Versions{3}, Nullable{3});
  }
  bool operator==(const HeartbeatRequest&) const = default;
};

struct HeartbeatResponse {
  static constexpr const ApiSpec& kApi = kHeartbeatApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const HeartbeatResponse&) const = default;
};

struct MemberIdentity {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::optional<std::string> reason;

  template <class Io>
  void fields(Io& io) {
    io(member_id, "MemberId", Versions{3});
    io(group_instance_id, "GroupInstanceId", Versions{3}, Nullable{3});
    io(reason, "Reason", Versions{5}, Nullable{5});
  }
  bool operator==(const MemberIdentity&) const = default;
};

// Versions 0-2 name one member (member_id); 3+ a batch (members).
struct LeaveGroupRequest {
  static constexpr const ApiSpec& kApi = kLeaveGroupApi;
  std::string group_id;
  std::string member_id;
  std::vector<MemberIdentity> members;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(member_id, "MemberId", Versions{0, 2});
    io(members, "Members", Versions{3});
  }
  bool operator==(const LeaveGroupRequest&) const = default;
};

struct MemberResponse {
  std::string member_id;
  std::optional<std::string> group_instance_id = "";
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(member_id, "MemberId", Versions{3});
    io(group_instance_id, "GroupInstanceId", Versions{3}, Nullable{3});
    io(error_code, "ErrorCode", Versions{3});
  }
  bool operator==(const MemberResponse&) const = default;
};

struct LeaveGroupResponse {
  static constexpr const ApiSpec& kApi = kLeaveGroupApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<MemberResponse> members;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{0});
    io(members, "Members", Versions{3});
  }
  bool operator==(const LeaveGroupResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
