#include "broker/security/authorizer.h"

#include <algorithm>
#include <vector>

namespace cairn::broker::security {

namespace {

// The operations whose ALLOW also allows `op`.
bool allow_implies(AclOperation granted, AclOperation op) {
  if (granted == op || granted == AclOperation::kAll) return true;
  switch (op) {
    case AclOperation::kDescribe:
      return granted == AclOperation::kRead || granted == AclOperation::kWrite ||
             granted == AclOperation::kDelete || granted == AclOperation::kAlter;
    case AclOperation::kDescribeConfigs: return granted == AclOperation::kAlterConfigs;
    default: return false;
  }
}

bool deny_covers(AclOperation denied, AclOperation op) {
  return denied == op || denied == AclOperation::kAll;
}

}  // namespace

Authorizer::Authorizer(AuthorizerConfig config, AclSet acls)
    : config_(std::move(config)), acls_(std::move(acls)) {}

bool Authorizer::is_super_user(std::string_view principal) const {
  return config_.super_users.contains(principal);
}

bool Authorizer::authorize(std::string_view principal, AclOperation op, const Resource& r) const {
  if (!config_.enabled || is_super_user(principal)) return true;
  bool denied = false;
  bool allowed = false;
  acls_.for_each_applicable(principal, r, [&](const AclSet::Entry& e) {
    if (e.permission == AclPermission::kDeny) {
      denied = denied || deny_covers(e.operation, op);
    } else {
      allowed = allowed || allow_implies(e.operation, op);
    }
  });
  return allowed && !denied;
}

bool Authorizer::authorize_any(std::string_view principal, AclOperation op,
                               ResourceType type) const {
  if (!config_.enabled || is_super_user(principal)) return true;
  std::vector<const ResourcePattern*> allows, denies;
  for (const AclBinding& b : acls_.bindings()) {
    if (b.pattern.type != type) continue;
    if (b.principal != principal && b.principal != kWildcardPrincipal) continue;
    if (!deny_covers(b.operation, op)) continue;  // the operation itself or kAll, both ways
    (b.permission == AclPermission::kDeny ? denies : allows).push_back(&b.pattern);
  }
  auto covered = [&](const ResourcePattern& allow) {
    return std::ranges::any_of(denies, [&](const ResourcePattern* deny) {
      if (deny->pattern == PatternType::kPrefixed) return allow.name.starts_with(deny->name);
      if (deny->name == kWildcardName) return true;
      return allow.pattern == PatternType::kLiteral && allow.name == deny->name;
    });
  };
  return std::ranges::any_of(allows, [&](const ResourcePattern* a) { return !covered(*a); });
}

}  // namespace cairn::broker::security
