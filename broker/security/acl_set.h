#pragma once

// AclSet: the access control bindings a broker holds, indexed for the question asked on every
// request: which bindings apply to this principal acting on this resource?
//
// A value type: each core keeps its own copy (thread per core, no locks) and applies the same
// changes in the same order. Adding a binding that is already there, or removing one that is
// not, changes nothing.

#include <array>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "broker/security/acl.h"

namespace cairn::broker::security {

// Kafka's pattern filter: any pattern type with the exact name, every pattern that would match
// the name (literal, "*" and prefixes of it), or exactly one pattern type.
enum class PatternFilter : uint8_t { kAny, kMatch, kLiteral, kPrefixed };

// Which bindings DescribeAcls lists and DeleteAcls removes (Kafka's AclBindingFilter); an unset
// field matches anything.
struct AclFilter {
  std::optional<std::string> principal;
  std::optional<AclPermission> permission;
  std::optional<AclOperation> operation;
  std::optional<ResourceType> resource_type;
  std::optional<std::string> resource_name;
  PatternFilter pattern = PatternFilter::kAny;

  bool matches(const AclBinding& b) const;
};

class AclSet {
 public:
  // What applies of one binding, once its resource matched.
  struct Entry {
    std::string principal;
    AclPermission permission;
    AclOperation operation;
  };

  // kInvalidArgument for a binding validate_binding() refuses. Returns whether it was new.
  Result<bool> add(const AclBinding& b);
  // Whether it was there.
  bool remove(const AclBinding& b);

  // Every binding `filter` matches, in a stable order.
  std::vector<AclBinding> list(const AclFilter& filter = {}) const;
  const std::set<AclBinding>& bindings() const { return bindings_; }
  size_t size() const { return bindings_.size(); }

  // Calls `f(const Entry&)` with each binding whose pattern matches `r` and whose principal is
  // `principal` or the wildcard. Allocates nothing: the authorizer asks this on every request.
  template <class F>
  void for_each_applicable(std::string_view principal, const Resource& r, F&& f) const;

 private:
  // Lets the index be searched by string_view without building a string.
  struct NameHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct TypeIndex {
    // By name, "*" included.
    std::unordered_map<std::string, std::vector<Entry>, NameHash, std::equal_to<>> literal;
    std::vector<std::pair<std::string, Entry>> prefixed;  // by prefix
  };
  void reindex();
  static size_t slot(ResourceType t);

  std::set<AclBinding> bindings_;
  std::array<TypeIndex, 4> index_;
};

template <class F>
void AclSet::for_each_applicable(std::string_view principal, const Resource& r, F&& f) const {
  const TypeIndex& t = index_[slot(r.type)];
  auto visit = [&](const Entry& e) {
    if (e.principal == principal || e.principal == kWildcardPrincipal) f(e);
  };
  auto visit_literal = [&](std::string_view name) {
    auto it = t.literal.find(name);
    if (it == t.literal.end()) return;
    for (const Entry& e : it->second) visit(e);
  };
  visit_literal(r.name);
  if (r.name != kWildcardName) visit_literal(kWildcardName);
  for (const auto& [prefix, e] : t.prefixed) {
    if (r.name.starts_with(prefix)) visit(e);
  }
}

}  // namespace cairn::broker::security
