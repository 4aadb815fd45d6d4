// CreateAcls, DescribeAcls and DeleteAcls on Kafka's listener, over the same ACL records as
// Cairn's (SecurityAdmin stores a change in `__cairn_security` before every core sees it), so
// that Kafka's tools (kafka-acls.sh, Admin.createAcls) manage the bindings Cairn's authorizer
// applies. The codes are Kafka's on both sides. Cairn's bindings have no host: a creation must
// name the host "*" (kafka-acls.sh's default), and bindings are described with host "*". Who
// may call them is the authorizer's (authorize.h): Alter or Describe on the cluster.
#include <map>
#include <set>

#include "broker/kafka/handlers.h"
#include "broker/ops/security_admin.h"

namespace cairn::broker::kafka {

namespace sec = security;

namespace {

constexpr int8_t kAny = 1;  // ANY in every filter field
constexpr int8_t kMatch = 2;
constexpr std::string_view kAnyHost = "*";

Result<sec::AclBinding> from_wire(const pk::AclCreation& w) {
  if (w.host != kAnyHost) {
    return Status::invalid_argument("Cairn's ACLs have no host: use the host \"*\"");
  }
  return sec::binding_from_codes(w.principal, w.resource_type, w.resource_name,
                                 w.resource_pattern_type, w.operation, w.permission_type);
}

Result<sec::AclFilter> filter_from_wire(const pk::AclFilter& w) {
  sec::AclFilter f;
  auto bad = [](std::string_view what) {
    return Status::invalid_argument(std::string("a filter's ") + std::string(what) + " is unknown");
  };
  if (w.resource_type_filter != kAny) {
    f.resource_type = sec::resource_type_from_code(w.resource_type_filter);
    if (!f.resource_type) return bad("resource type");
  }
  if (w.operation != kAny) {
    f.operation = sec::operation_from_code(w.operation);
    if (!f.operation) return bad("operation");
  }
  if (w.permission_type != kAny) {
    f.permission = sec::permission_from_code(w.permission_type);
    if (!f.permission) return bad("permission");
  }
  switch (w.pattern_type_filter) {
    case kAny: f.pattern = sec::PatternFilter::kAny; break;
    case kMatch: f.pattern = sec::PatternFilter::kMatch; break;
    case 3: f.pattern = sec::PatternFilter::kLiteral; break;
    case 4: f.pattern = sec::PatternFilter::kPrefixed; break;
    default: return bad("pattern type");
  }
  if (w.host_filter && *w.host_filter != kAnyHost) return bad("host (only \"*\" is kept)");
  f.resource_name = w.resource_name_filter;
  f.principal = w.principal_filter;
  return f;
}

// The Kafka error for a change the security log refused or could not store.
pk::ErrorCode error_of(const Status& s) {
  if (s.is_invalid_argument()) return pk::ErrorCode::kInvalidRequest;
  if (s.is_unavailable()) return pk::ErrorCode::kSecurityDisabled;  // no security topic
  return pk::ErrorCode::kKafkaStorageError;
}

}  // namespace

awaitable<KafkaReply<pk::CreateAclsResponse>> handle(KafkaContext& ctx, pk::CreateAclsRequest r) {
  pk::CreateAclsResponse out;
  std::vector<sec::SecurityChange> changes;
  std::vector<size_t> changed;  // which results the changes answer
  for (const auto& w : r.creations) {
    auto& result = out.results.emplace_back();
    auto b = from_wire(w);
    if (!b) {
      result = {pk::code_of(pk::ErrorCode::kInvalidRequest), b.error().message()};
      continue;
    }
    changes.push_back(sec::AclChange{std::move(*b), true});
    changed.push_back(out.results.size() - 1);
  }
  Status stored = co_await ctx.security_admin->change(std::move(changes));
  if (!stored.is_ok()) {
    for (size_t i : changed) out.results[i] = {pk::code_of(error_of(stored)), stored.message()};
  }
  co_return out;
}

awaitable<KafkaReply<pk::DescribeAclsResponse>> handle(KafkaContext& ctx,
                                                       pk::DescribeAclsRequest r) {
  pk::DescribeAclsResponse out;
  auto filter = filter_from_wire(r.filter);
  if (!filter) {
    out.error_code = pk::code_of(pk::ErrorCode::kInvalidRequest);
    out.error_message = filter.error().message();
    co_return out;
  }
  auto snapshot = ctx.security_admin->current();
  std::map<sec::ResourcePattern, size_t> at;  // each resource's entry in the answer
  for (const auto& b : snapshot->authorizer.acls().list(*filter)) {
    auto [it, added] = at.try_emplace(b.pattern, out.resources.size());
    if (added) {
      out.resources.push_back({static_cast<int8_t>(b.pattern.type),
                               b.pattern.name,
                               static_cast<int8_t>(b.pattern.pattern),
                               {}});
    }
    out.resources[it->second].acls.push_back({b.principal, std::string(kAnyHost),
                                              static_cast<int8_t>(b.operation),
                                              static_cast<int8_t>(b.permission)});
  }
  co_return out;
}

awaitable<KafkaReply<pk::DeleteAclsResponse>> handle(KafkaContext& ctx, pk::DeleteAclsRequest r) {
  pk::DeleteAclsResponse out;
  auto snapshot = ctx.security_admin->current();
  std::set<sec::AclBinding> removing;
  std::vector<size_t> changed;
  for (const auto& w : r.filters) {
    auto& result = out.filter_results.emplace_back();
    auto filter = filter_from_wire(w);
    if (!filter) {
      result.error_code = pk::code_of(pk::ErrorCode::kInvalidRequest);
      result.error_message = filter.error().message();
      continue;
    }
    for (const auto& b : snapshot->authorizer.acls().list(*filter)) {
      pk::DeleteAclsMatchingAcl m;
      m.resource_type = static_cast<int8_t>(b.pattern.type);
      m.resource_name = b.pattern.name;
      m.pattern_type = static_cast<int8_t>(b.pattern.pattern);
      m.principal = b.principal;
      m.host = std::string(kAnyHost);
      m.operation = static_cast<int8_t>(b.operation);
      m.permission_type = static_cast<int8_t>(b.permission);
      result.matching_acls.push_back(std::move(m));
      removing.insert(b);
    }
    changed.push_back(out.filter_results.size() - 1);
  }
  std::vector<sec::SecurityChange> changes;
  changes.reserve(removing.size());
  for (const auto& b : removing) changes.push_back(sec::AclChange{b, false});
  Status stored = co_await ctx.security_admin->change(std::move(changes));
  if (!stored.is_ok()) {
    for (size_t i : changed) {
      out.filter_results[i] = {pk::code_of(error_of(stored)), stored.message(), {}};
    }
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
