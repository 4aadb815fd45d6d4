#pragma once

// Access control lists: CreateAcls (30), DescribeAcls (29) and DeleteAcls (31). Pattern type 3
// is LITERAL, the meaning of every ACL before patterns existed.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

inline constexpr int8_t kLiteralPattern = 3;

struct AclCreation {
  int8_t resource_type = 0;
  std::string resource_name;
  int8_t resource_pattern_type = kLiteralPattern;
  std::string principal;
  std::string host;
  int8_t operation = 0;
  int8_t permission_type = 0;

  template <class Io>
  void fields(Io& io) {
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(resource_pattern_type, "ResourcePatternType", Versions{1});
    io(principal, "Principal", Versions{0});
    io(host, "Host", Versions{0});
    io(operation, "Operation", Versions{0});
    io(permission_type, "PermissionType", Versions{0});
  }
  bool operator==(const AclCreation&) const = default;
};

struct CreateAclsRequest {
  static constexpr const ApiSpec& kApi = kCreateAclsApi;
  std::vector<AclCreation> creations;

  template <class Io>
  void fields(Io& io) {
    io(creations, "Creations", Versions{0});
  }
  bool operator==(const CreateAclsRequest&) const = default;
};

struct AclCreationResult {
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
  }
  bool operator==(const AclCreationResult&) const = default;
};

struct CreateAclsResponse {
  static constexpr const ApiSpec& kApi = kCreateAclsApi;
  int32_t throttle_time_ms = 0;
  std::vector<AclCreationResult> results;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(results, "Results", Versions{0});
  }
  bool operator==(const CreateAclsResponse&) const = default;
};

// The filter of DescribeAcls and of each DeleteAcls entry; null strings match anything.
struct AclFilter {
  int8_t resource_type_filter = 0;
  std::optional<std::string> resource_name_filter = "";
  int8_t pattern_type_filter = kLiteralPattern;
  std::optional<std::string> principal_filter = "";
  std::optional<std::string> host_filter = "";
  int8_t operation = 0;
  int8_t permission_type = 0;

  template <class Io>
  void fields(Io& io) {
    io(resource_type_filter, "ResourceTypeFilter", Versions{0});
    io(resource_name_filter, "ResourceNameFilter", Versions{0}, Nullable{0});
    io(pattern_type_filter, "PatternTypeFilter", Versions{1});
    io(principal_filter, "PrincipalFilter", Versions{0}, Nullable{0});
    io(host_filter, "HostFilter", Versions{0}, Nullable{0});
    io(operation, "Operation", Versions{0});
    io(permission_type, "PermissionType", Versions{0});
  }
  bool operator==(const AclFilter&) const = default;
};

struct DescribeAclsRequest {
  static constexpr const ApiSpec& kApi = kDescribeAclsApi;
  AclFilter filter;

  // The filter's fields sit at the top level of the request.
  template <class Io>
  void fields(Io& io) {
    filter.fields(io);
  }
  bool operator==(const DescribeAclsRequest&) const = default;
};

struct AclDescription {
  std::string principal;
  std::string host;
  int8_t operation = 0;
  int8_t permission_type = 0;

  template <class Io>
  void fields(Io& io) {
    io(principal, "Principal", Versions{0});
    io(host, "Host", Versions{0});
    io(operation, "Operation", Versions{0});
    io(permission_type, "PermissionType", Versions{0});
  }
  bool operator==(const AclDescription&) const = default;
};

struct DescribeAclsResource {
  int8_t resource_type = 0;
  std::string resource_name;
  int8_t pattern_type = kLiteralPattern;
  std::vector<AclDescription> acls;

  template <class Io>
  void fields(Io& io) {
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(pattern_type, "PatternType", Versions{1});
    io(acls, "Acls", Versions{0});
  }
  bool operator==(const DescribeAclsResource&) const = default;
};

struct DescribeAclsResponse {
  static constexpr const ApiSpec& kApi = kDescribeAclsApi;
  int32_t throttle_time_ms = 0;
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  std::vector<DescribeAclsResource> resources;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(resources, "Resources", Versions{0});
  }
  bool operator==(const DescribeAclsResponse&) const = default;
};

struct DeleteAclsRequest {
  static constexpr const ApiSpec& kApi = kDeleteAclsApi;
  std::vector<AclFilter> filters;

  template <class Io>
  void fields(Io& io) {
    io(filters, "Filters", Versions{0});
  }
  bool operator==(const DeleteAclsRequest&) const = default;
};

struct DeleteAclsMatchingAcl {
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  int8_t resource_type = 0;
  std::string resource_name;
  int8_t pattern_type = kLiteralPattern;
  std::string principal;
  std::string host;
  int8_t operation = 0;
  int8_t permission_type = 0;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(resource_type, "ResourceType", Versions{0});
    io(resource_name, "ResourceName", Versions{0});
    io(pattern_type, "PatternType", Versions{1});
    io(principal, "Principal", Versions{0});
    io(host, "Host", Versions{0});
    io(operation, "Operation", Versions{0});
    io(permission_type, "PermissionType", Versions{0});
  }
  bool operator==(const DeleteAclsMatchingAcl&) const = default;
};

struct DeleteAclsFilterResult {
  int16_t error_code = 0;
  std::optional<std::string> error_message = "";
  std::vector<DeleteAclsMatchingAcl> matching_acls;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(error_message, "ErrorMessage", Versions{0}, Nullable{0});
    io(matching_acls, "MatchingAcls", Versions{0});
  }
  bool operator==(const DeleteAclsFilterResult&) const = default;
};

struct DeleteAclsResponse {
  static constexpr const ApiSpec& kApi = kDeleteAclsApi;
  int32_t throttle_time_ms = 0;
  std::vector<DeleteAclsFilterResult> filter_results;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(filter_results, "FilterResults", Versions{0});
  }
  bool operator==(const DeleteAclsResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
