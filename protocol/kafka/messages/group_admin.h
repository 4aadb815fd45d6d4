#pragma once

// Group administration: ListGroups (16), DescribeGroups (15) and DeleteGroups (42).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"
#include "protocol/kafka/messages/metadata.h"

namespace cairn::protocol::kafka {

struct ListGroupsRequest {
  static constexpr const ApiSpec& kApi = kListGroupsApi;
  std::vector<std::string> states_filter;
  std::vector<std::string> types_filter;

  template <class Io>
  void fields(Io& io) {
    io(states_filter, "StatesFilter", Versions{4});
    io(types_filter, "TypesFilter", Versions{5});
  }
  bool operator==(const ListGroupsRequest&) const = default;
};

struct ListedGroup {
  std::string group_id;
  std::string protocol_type;
  std::string group_state;
  std::string group_type;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(protocol_type, "ProtocolType", Versions{0});
    io(group_state, "GroupState", Versions{4});
    io(group_type, "GroupType", Versions{5});
  }
  bool operator==(const ListedGroup&) const = default;
};

struct ListGroupsResponse {
  static constexpr const ApiSpec& kApi = kListGroupsApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::vector<ListedGroup> groups;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(error_code, "ErrorCode", Versions{0});
    io(groups, "Groups", Versions{0});
  }
  bool operator==(const ListGroupsResponse&) const = default;
};

struct DescribeGroupsRequest {
  static constexpr const ApiSpec& kApi = kDescribeGroupsApi;
  std::vector<std::string> groups;
  bool include_authorized_operations = false;

  template <class Io>
  void fields(Io& io) {
    io(groups, "Groups", Versions{0});
    io(include_authorized_operations, "IncludeAuthorizedOperations", Versions{3});
  }
  bool operator==(const DescribeGroupsRequest&) const = default;
};

struct DescribedGroupMember {
  std::string member_id;
  std::optional<std::string> group_instance_id;
  std::string client_id;
  std::string client_host;
  BytesView member_metadata;
  BytesView member_assignment;

  template <class Io>
  void fields(Io& io) {
    io(member_id, "MemberId", Versions{0});
    io(group_instance_id, "GroupInstanceId", Versions{4}, Nullable{4});
    io(client_id, "ClientId", Versions{0});
    io(client_host, "ClientHost", Versions{0});
    io(member_metadata, "MemberMetadata", Versions{0});
    io(member_assignment, "MemberAssignment", Versions{0});
  }
  bool operator==(const DescribedGroupMember&) const = default;
};

struct DescribedGroup {
  int16_t error_code = 0;
  std::optional<std::string> error_message;
  std::string group_id;
  std::string group_state;
  std::string protocol_type;
  std::string protocol_data;
  std::vector<DescribedGroupMember> members;
  int32_t authorized_operations = kNoAuthorizedOperations;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{6}, Nullable{6});
    io(group_id, "GroupId", Versions{0});
    io(group_state, "GroupState", Versions{0});
    io(protocol_type, "ProtocolType", Versions{0});
    io(protocol_data, "ProtocolData", Versions{0});
    io(members, "Members", Versions{0});
    io(authorized_operations, "AuthorizedOperations", Versions{3});
  }
  bool operator==(const DescribedGroup&) const = default;
};

struct DescribeGroupsResponse {
  static constexpr const ApiSpec& kApi = kDescribeGroupsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DescribedGroup> groups;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{1});
    io(groups, "Groups", Versions{0});
  }
  bool operator==(const DescribeGroupsResponse&) const = default;
};

struct DeleteGroupsRequest {
  static constexpr const ApiSpec& kApi = kDeleteGroupsApi;
  std::vector<std::string> groups_names;

  template <class Io>
  void fields(Io& io) {
    io(groups_names, "GroupsNames", Versions{0});
  }
  bool operator==(const DeleteGroupsRequest&) const = default;
};

struct DeletableGroupResult {
  std::string group_id;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const DeletableGroupResult&) const = default;
};

struct DeleteGroupsResponse {
  static constexpr const ApiSpec& kApi = kDeleteGroupsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DeletableGroupResult> results;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(results, "Results", Versions{0});
  }
  bool operator==(const DeleteGroupsResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
