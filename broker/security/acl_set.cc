#include "broker/security/acl_set.h"

namespace cairn::broker::security {

bool AclFilter::matches(const AclBinding& b) const {
  if (principal && *principal != b.principal) return false;
  if (permission && *permission != b.permission) return false;
  if (operation && *operation != b.operation) return false;
  if (resource_type && *resource_type != b.pattern.type) return false;
  switch (pattern) {
    case PatternFilter::kLiteral:
      if (b.pattern.pattern != PatternType::kLiteral) return false;
      break;
    case PatternFilter::kPrefixed:
      if (b.pattern.pattern != PatternType::kPrefixed) return false;
      break;
    case PatternFilter::kMatch:
      // Every pattern that would match a resource of this name.
      return !resource_name || b.pattern.matches(Resource{b.pattern.type, *resource_name});
    case PatternFilter::kAny: break;
  }
  return !resource_name || *resource_name == b.pattern.name;
}

size_t AclSet::slot(ResourceType t) {
  switch (t) {
    case ResourceType::kTopic: return 0;
    case ResourceType::kGroup: return 1;
    case ResourceType::kCluster: return 2;
    case ResourceType::kTransactionalId: return 3;
  }
  return 0;
}

Result<bool> AclSet::add(const AclBinding& b) {
  CAIRN_RETURN_IF_ERROR(validate_binding(b));
  bool inserted = bindings_.insert(b).second;
  if (inserted) reindex();
  return inserted;
}

bool AclSet::remove(const AclBinding& b) {
  bool erased = bindings_.erase(b) > 0;
  if (erased) reindex();
  return erased;
}

std::vector<AclBinding> AclSet::list(const AclFilter& filter) const {
  std::vector<AclBinding> out;
  for (const auto& b : bindings_) {
    if (filter.matches(b)) out.push_back(b);
  }
  return out;
}

void AclSet::reindex() {
  index_ = {};
  for (const auto& b : bindings_) {
    TypeIndex& t = index_[slot(b.pattern.type)];
    Entry e{b.principal, b.permission, b.operation};
    if (b.pattern.pattern == PatternType::kPrefixed) {
      t.prefixed.emplace_back(b.pattern.name, std::move(e));
    } else {
      t.literal[b.pattern.name].push_back(std::move(e));
    }
  }
}

}  // namespace cairn::broker::security
