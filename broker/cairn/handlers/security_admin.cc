// The security management APIs (CreateAcls, DescribeAcls, DeleteAcls,
// AlterUserScramCredentials, DescribeUserScramCredentials): each translates between the wire
// and the security records, and changes go through SecurityAdmin, which stores them in
// `__cairn_security` before every core sees them. Who may call them is the authorizer's
// (authorize.h): Describe or Alter on the cluster.
#include <set>

#include "broker/cairn/handlers.h"
#include "broker/ops/security_admin.h"
#include "protocol/sasl/scram_crypto.h"

namespace cairn::broker {

using protocol::ErrorCode;
namespace sec = security;
namespace sasl = protocol::sasl;

namespace {

Result<sec::AclBinding> from_wire(const protocol::WireAclBinding& w) {
  return sec::binding_from_codes(w.principal, w.resource_type, w.resource_name, w.pattern_type,
                                 w.operation, w.permission);
}

protocol::WireAclBinding to_wire(const sec::AclBinding& b) {
  return {static_cast<int8_t>(b.pattern.type),    b.pattern.name,
          static_cast<int8_t>(b.pattern.pattern), b.principal,
          static_cast<int8_t>(b.operation),       static_cast<int8_t>(b.permission)};
}

Result<sec::AclFilter> filter_from_wire(const protocol::WireAclFilter& w) {
  sec::AclFilter f;
  auto bad = [](std::string_view what) {
    return Status::invalid_argument(std::string("a filter's ") + std::string(what) +
                                    " code is unknown");
  };
  if (w.resource_type != protocol::kAclAny) {
    f.resource_type = sec::resource_type_from_code(w.resource_type);
    if (!f.resource_type) return bad("resource type");
  }
  if (w.operation != protocol::kAclAny) {
    f.operation = sec::operation_from_code(w.operation);
    if (!f.operation) return bad("operation");
  }
  if (w.permission != protocol::kAclAny) {
    f.permission = sec::permission_from_code(w.permission);
    if (!f.permission) return bad("permission");
  }
  switch (w.pattern_type) {
    case 1: f.pattern = sec::PatternFilter::kAny; break;
    case 2: f.pattern = sec::PatternFilter::kMatch; break;
    case 3: f.pattern = sec::PatternFilter::kLiteral; break;
    case 4: f.pattern = sec::PatternFilter::kPrefixed; break;
    default: return bad("pattern type");
  }
  if (!w.resource_name.empty()) f.resource_name = w.resource_name;
  if (!w.principal.empty()) f.principal = w.principal;
  return f;
}

// The wire error for a change the security log refused or could not store.
ErrorCode error_of(const Status& s) {
  if (s.is_invalid_argument()) return ErrorCode::kInvalidRequest;
  if (s.is_no_space()) return ErrorCode::kDiskFull;
  if (s.is_unavailable()) return ErrorCode::kInvalidRequest;
  return ErrorCode::kStorageError;
}

SecurityAdmin& admin_of(const RequestContext& ctx) { return *ctx.security_admin; }

}  // namespace

awaitable<Reply<protocol::CreateAclsResponse>> handle(RequestContext& ctx,
                                                      protocol::CreateAclsRequest r) {
  protocol::CreateAclsResponse out;
  std::vector<sec::SecurityChange> changes;
  std::vector<size_t> changed;  // which results the changes answer
  for (const auto& w : r.creations) {
    auto& result = out.results.emplace_back();
    auto b = from_wire(w);
    if (!b) {
      result = {ErrorCode::kInvalidRequest, b.error().message()};
      continue;
    }
    changes.push_back(sec::AclChange{std::move(*b), true});
    changed.push_back(out.results.size() - 1);
  }
  Status stored = co_await admin_of(ctx).change(std::move(changes));
  if (!stored.is_ok()) {
    for (size_t i : changed) out.results[i] = {error_of(stored), stored.message()};
  }
  co_return out;
}

awaitable<Reply<protocol::DescribeAclsResponse>> handle(RequestContext& ctx,
                                                        protocol::DescribeAclsRequest r) {
  protocol::DescribeAclsResponse out;
  auto filter = filter_from_wire(r.filter);
  if (!filter) {
    out.error = ErrorCode::kInvalidRequest;
    out.message = filter.error().message();
    co_return out;
  }
  auto snapshot = admin_of(ctx).current();
  for (const auto& b : snapshot->authorizer.acls().list(*filter))
    out.bindings.push_back(to_wire(b));
  co_return out;
}

awaitable<Reply<protocol::DeleteAclsResponse>> handle(RequestContext& ctx,
                                                      protocol::DeleteAclsRequest r) {
  protocol::DeleteAclsResponse out;
  auto snapshot = admin_of(ctx).current();
  std::set<sec::AclBinding> removing;
  std::vector<size_t> changed;
  for (const auto& w : r.filters) {
    auto& result = out.results.emplace_back();
    auto filter = filter_from_wire(w);
    if (!filter) {
      result.error = ErrorCode::kInvalidRequest;
      result.message = filter.error().message();
      continue;
    }
    for (const auto& b : snapshot->authorizer.acls().list(*filter)) {
      result.deleted.push_back(to_wire(b));
      removing.insert(b);
    }
    changed.push_back(out.results.size() - 1);
  }
  std::vector<sec::SecurityChange> changes;
  changes.reserve(removing.size());
  for (const auto& b : removing) changes.push_back(sec::AclChange{b, false});
  Status stored = co_await admin_of(ctx).change(std::move(changes));
  if (!stored.is_ok()) {
    for (size_t i : changed) {
      out.results[i] = {error_of(stored), stored.message(), {}};
    }
  }
  co_return out;
}

awaitable<Reply<protocol::AlterUserScramCredentialsResponse>> handle(
    RequestContext& ctx, protocol::AlterUserScramCredentialsRequest r) {
  protocol::AlterUserScramCredentialsResponse out;
  auto snapshot = admin_of(ctx).current();
  std::vector<sec::SecurityChange> changes;
  std::vector<size_t> changed;
  auto refuse = [&](const std::string& user, std::string why) {
    out.results.push_back({user, ErrorCode::kInvalidRequest, std::move(why)});
  };
  for (const auto& d : r.deletions) {
    auto m = sasl::scram_mechanism_from_code(static_cast<uint8_t>(d.mechanism));
    if (!m) {
      refuse(d.name, "unknown SCRAM mechanism code");
      continue;
    }
    if (!snapshot->credentials.find(d.name, *m)) {
      refuse(d.name, "no " + std::string(sasl::mechanism_name(*m)) + " credential for " + d.name);
      continue;
    }
    changes.push_back(sec::CredentialChange{d.name, *m, std::nullopt});
    out.results.push_back({d.name, ErrorCode::kNone, ""});
    changed.push_back(out.results.size() - 1);
  }
  for (auto& u : r.upsertions) {
    auto m = sasl::scram_mechanism_from_code(static_cast<uint8_t>(u.mechanism));
    if (!m) {
      refuse(u.name, "unknown SCRAM mechanism code");
      continue;
    }
    sasl::ScramHash hash = sasl::hash_of(*m);
    if (u.salted_password.size() != sasl::digest_bytes(hash) || u.iterations <= 0) {
      refuse(u.name, "a salted password of the mechanism's digest size and iterations are needed");
      continue;
    }
    auto keys = sasl::derive_keys(hash, u.salted_password);
    sasl::secure_clear(u.salted_password);
    if (!keys) {
      refuse(u.name, keys.error().message());
      continue;
    }
    sasl::ScramCredential c{hash, u.salt, static_cast<uint32_t>(u.iterations), keys->stored_key,
                            keys->server_key};
    Status valid = sasl::validate_credential(c);
    if (!valid.is_ok()) {
      refuse(u.name, valid.message());
      continue;
    }
    changes.push_back(sec::CredentialChange{u.name, *m, std::move(c)});
    out.results.push_back({u.name, ErrorCode::kNone, ""});
    changed.push_back(out.results.size() - 1);
  }
  Status stored = co_await admin_of(ctx).change(std::move(changes));
  if (!stored.is_ok()) {
    for (size_t i : changed) {
      out.results[i].error = error_of(stored);
      out.results[i].message = stored.message();
    }
  }
  co_return out;
}

awaitable<Reply<protocol::DescribeUserScramCredentialsResponse>> handle(
    RequestContext& ctx, protocol::DescribeUserScramCredentialsRequest r) {
  protocol::DescribeUserScramCredentialsResponse out;
  auto snapshot = admin_of(ctx).current();
  auto users = snapshot->credentials.users();
  auto describe = [&](const std::string& user) {
    auto& d = out.users.emplace_back();
    d.user = user;
    auto it = users.find(user);
    if (it == users.end()) {
      d.error = ErrorCode::kInvalidRequest;
      return;
    }
    for (auto m : it->second) {
      auto c = snapshot->credentials.find(user, m);
      d.credentials.push_back(
          {static_cast<int8_t>(m), c ? static_cast<int32_t>(c->iterations) : 0});
    }
  };
  if (r.users.empty()) {
    for (const auto& [user, mechanisms] : users) describe(user);
  } else {
    for (const auto& user : r.users) describe(user);
  }
  co_return out;
}

}  // namespace cairn::broker
