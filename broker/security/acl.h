#pragma once

// The vocabulary of access control, in Kafka's model trimmed to what Cairn serves: a binding
// says that a principal is allowed or denied an operation on the resources a pattern matches.
//
// The numeric values are Kafka's (AclOperation, AclPermissionType, ResourceType,
// PatternType), so CreateAcls/DescribeAcls/DeleteAcls translate without a table; they are also
// what the security records store (storage/FORMAT.md, "Security records").

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "protocol/status.h"

namespace cairn::broker::security {

enum class AclOperation : int8_t {
  kAll = 2,
  kRead = 3,
  kWrite = 4,
  kCreate = 5,
  kDelete = 6,
  kAlter = 7,
  kDescribe = 8,
  kClusterAction = 9,
  kDescribeConfigs = 10,
  kAlterConfigs = 11,
  kIdempotentWrite = 12,
};

enum class AclPermission : int8_t { kDeny = 2, kAllow = 3 };

enum class ResourceType : int8_t { kTopic = 2, kGroup = 3, kCluster = 4, kTransactionalId = 5 };

enum class PatternType : int8_t { kLiteral = 3, kPrefixed = 4 };

// The one cluster resource's name, as Kafka's tools spell it.
inline constexpr std::string_view kClusterResourceName = "kafka-cluster";
// A literal pattern with this name matches every resource of its type.
inline constexpr std::string_view kWildcardName = "*";
// A binding for this principal applies to every principal.
inline constexpr std::string_view kWildcardPrincipal = "User:*";
// Who a connection is when it has not authenticated (Kafka's name).
inline constexpr std::string_view kAnonymousPrincipal = "User:ANONYMOUS";
inline constexpr size_t kMaxResourceNameBytes = 255;

// What a request touches.
struct Resource {
  ResourceType type = ResourceType::kTopic;
  std::string name;
};

struct ResourcePattern {
  ResourceType type = ResourceType::kTopic;
  std::string name;
  PatternType pattern = PatternType::kLiteral;

  // Literal: the same name, or any name for "*". Prefixed: any name starting with `name`.
  bool matches(const Resource& r) const;
  auto operator<=>(const ResourcePattern&) const = default;
};

struct AclBinding {
  std::string principal;  // "User:NAME" or "User:*"
  AclPermission permission = AclPermission::kAllow;
  AclOperation operation = AclOperation::kRead;
  ResourcePattern pattern;

  auto operator<=>(const AclBinding&) const = default;
};

// The operations Kafka defines for each resource type (plus kAll, which every type takes).
std::span<const AclOperation> operations_of(ResourceType type);
bool supports(ResourceType type, AclOperation op);

// kInvalidArgument unless the principal is "User:" and a name (or "*"), the operation applies
// to the resource type, the name is 1 to 255 bytes, a cluster pattern is the literal
// "kafka-cluster", and a prefixed pattern's name is not "*".
Status validate_binding(const AclBinding& b);
// "User:NAME" with a non-empty NAME without control characters.
Status validate_principal(std::string_view principal);

// Names as the CLI and README spell them: "read", "cluster-action", "transactional-id",
// "prefixed", "allow". Parsing ignores case, '-' and '_' ("ClusterAction", "CLUSTER_ACTION").
std::string_view name_of(AclOperation op);
std::string_view name_of(AclPermission p);
std::string_view name_of(ResourceType t);
std::string_view name_of(PatternType p);
std::optional<AclOperation> parse_operation(std::string_view name);
std::optional<ResourceType> parse_resource_type(std::string_view name);

// From Kafka's wire codes; nullopt for codes Cairn does not store (ANY, UNKNOWN, MATCH, ...).
std::optional<AclOperation> operation_from_code(int8_t code);
std::optional<AclPermission> permission_from_code(int8_t code);
std::optional<ResourceType> resource_type_from_code(int8_t code);
std::optional<PatternType> pattern_type_from_code(int8_t code);

// A binding from Kafka's wire codes (both listeners' ACL APIs carry them), validated:
// kInvalidArgument for a code a binding may not have or a binding validate_binding() refuses.
Result<AclBinding> binding_from_codes(std::string principal, int8_t resource_type,
                                      std::string resource_name, int8_t pattern_type,
                                      int8_t operation, int8_t permission);

// "allow User:alice read topic orders (literal)": for listings and logs.
std::string describe(const AclBinding& b);

}  // namespace cairn::broker::security
