#include "broker/security/acl.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace cairn::broker::security {

namespace {

using Op = AclOperation;

constexpr std::array kTopicOps = {Op::kAll,         Op::kRead,   Op::kWrite, Op::kCreate,
                                  Op::kDescribe,    Op::kDelete, Op::kAlter, Op::kDescribeConfigs,
                                  Op::kAlterConfigs};
constexpr std::array kGroupOps = {Op::kAll, Op::kRead, Op::kDescribe, Op::kDelete};
constexpr std::array kClusterOps = {
    Op::kAll,          Op::kCreate,          Op::kClusterAction, Op::kDescribeConfigs,
    Op::kAlterConfigs, Op::kIdempotentWrite, Op::kAlter,         Op::kDescribe};
constexpr std::array kTransactionalIdOps = {Op::kAll, Op::kDescribe, Op::kWrite};

constexpr std::array kAllOps = {Op::kAll,          Op::kRead,           Op::kWrite,
                                Op::kCreate,       Op::kDelete,         Op::kAlter,
                                Op::kDescribe,     Op::kClusterAction,  Op::kDescribeConfigs,
                                Op::kAlterConfigs, Op::kIdempotentWrite};
constexpr std::array kAllTypes = {ResourceType::kTopic, ResourceType::kGroup,
                                  ResourceType::kCluster, ResourceType::kTransactionalId};

// Lower case without '-' and '_': how names compare.
std::string folded(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_') continue;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool has_control_characters(std::string_view s) {
  return std::ranges::any_of(
      s, [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

}  // namespace

bool ResourcePattern::matches(const Resource& r) const {
  if (r.type != type) return false;
  if (pattern == PatternType::kPrefixed) return r.name.starts_with(name);
  return name == kWildcardName || name == r.name;
}

std::span<const AclOperation> operations_of(ResourceType type) {
  switch (type) {
    case ResourceType::kTopic: return kTopicOps;
    case ResourceType::kGroup: return kGroupOps;
    case ResourceType::kCluster: return kClusterOps;
    case ResourceType::kTransactionalId: return kTransactionalIdOps;
  }
  return {};
}

bool supports(ResourceType type, AclOperation op) {
  return std::ranges::find(operations_of(type), op) != operations_of(type).end();
}

Status validate_principal(std::string_view principal) {
  constexpr std::string_view kUser = "User:";
  if (!principal.starts_with(kUser) || principal.size() == kUser.size()) {
    return Status::invalid_argument("a principal is User:NAME (or User:*), not '" +
                                    std::string(principal) + "'");
  }
  if (has_control_characters(principal)) {
    return Status::invalid_argument("a principal holds a control character");
  }
  return Status::ok();
}

Result<AclBinding> binding_from_codes(std::string principal, int8_t resource_type,
                                      std::string resource_name, int8_t pattern_type,
                                      int8_t operation, int8_t permission) {
  auto type = resource_type_from_code(resource_type);
  auto pattern = pattern_type_from_code(pattern_type);
  auto op = operation_from_code(operation);
  auto allowed = permission_from_code(permission);
  if (!type || !pattern || !op || !allowed) {
    return Status::invalid_argument(
        "a binding's resource type, pattern type, operation or permission code is not one a "
        "binding may have");
  }
  AclBinding b{std::move(principal), *allowed, *op, {*type, std::move(resource_name), *pattern}};
  CAIRN_RETURN_IF_ERROR(validate_binding(b));
  return b;
}

Status validate_binding(const AclBinding& b) {
  CAIRN_RETURN_IF_ERROR(validate_principal(b.principal));
  const ResourcePattern& p = b.pattern;
  if (!supports(p.type, b.operation)) {
    return Status::invalid_argument("operation " + std::string(name_of(b.operation)) +
                                    " does not apply to a " + std::string(name_of(p.type)));
  }
  if (p.name.empty() || p.name.size() > kMaxResourceNameBytes || has_control_characters(p.name)) {
    return Status::invalid_argument("a resource name is 1 to 255 bytes without control characters");
  }
  if (p.type == ResourceType::kCluster &&
      (p.name != kClusterResourceName || p.pattern != PatternType::kLiteral)) {
    return Status::invalid_argument("the cluster resource is the literal name kafka-cluster");
  }
  if (p.pattern == PatternType::kPrefixed && p.name == kWildcardName) {
    return Status::invalid_argument(
        "a prefixed '*' means a literal star; use a literal '*' to "
        "match every name");
  }
  return Status::ok();
}

std::string_view name_of(AclOperation op) {
  switch (op) {
    case Op::kAll: return "all";
    case Op::kRead: return "read";
    case Op::kWrite: return "write";
    case Op::kCreate: return "create";
    case Op::kDelete: return "delete";
    case Op::kAlter: return "alter";
    case Op::kDescribe: return "describe";
    case Op::kClusterAction: return "cluster-action";
    case Op::kDescribeConfigs: return "describe-configs";
    case Op::kAlterConfigs: return "alter-configs";
    case Op::kIdempotentWrite: return "idempotent-write";
  }
  return "unknown";
}

std::string_view name_of(AclPermission p) { return p == AclPermission::kDeny ? "deny" : "allow"; }

std::string_view name_of(ResourceType t) {
  switch (t) {
    case ResourceType::kTopic: return "topic";
    case ResourceType::kGroup: return "group";
    case ResourceType::kCluster: return "cluster";
    case ResourceType::kTransactionalId: return "transactional-id";
  }
  return "unknown";
}

std::string_view name_of(PatternType p) {
  return p == PatternType::kPrefixed ? "prefixed" : "literal";
}

std::optional<AclOperation> parse_operation(std::string_view name) {
  for (AclOperation op : kAllOps) {
    if (folded(name_of(op)) == folded(name)) return op;
  }
  return std::nullopt;
}

std::optional<ResourceType> parse_resource_type(std::string_view name) {
  for (ResourceType t : kAllTypes) {
    if (folded(name_of(t)) == folded(name)) return t;
  }
  return std::nullopt;
}

std::optional<AclOperation> operation_from_code(int8_t code) {
  for (AclOperation op : kAllOps) {
    if (static_cast<int8_t>(op) == code) return op;
  }
  return std::nullopt;
}

std::optional<AclPermission> permission_from_code(int8_t code) {
  if (code == static_cast<int8_t>(AclPermission::kDeny)) return AclPermission::kDeny;
  if (code == static_cast<int8_t>(AclPermission::kAllow)) return AclPermission::kAllow;
  return std::nullopt;
}

std::optional<ResourceType> resource_type_from_code(int8_t code) {
  for (ResourceType t : kAllTypes) {
    if (static_cast<int8_t>(t) == code) return t;
  }
  return std::nullopt;
}

std::optional<PatternType> pattern_type_from_code(int8_t code) {
  if (code == static_cast<int8_t>(PatternType::kLiteral)) return PatternType::kLiteral;
  if (code == static_cast<int8_t>(PatternType::kPrefixed)) return PatternType::kPrefixed;
  return std::nullopt;
}

std::string describe(const AclBinding& b) {
  std::string out = std::string(name_of(b.permission)) + " " + b.principal + " " +
                    std::string(name_of(b.operation)) + " " + std::string(name_of(b.pattern.type));
  if (b.pattern.type != ResourceType::kCluster) out += " " + b.pattern.name;
  return out + " (" + std::string(name_of(b.pattern.pattern)) + ")";
}

}  // namespace cairn::broker::security
