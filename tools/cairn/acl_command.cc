// cairn acl add|remove|list: ACL bindings, through the running broker's management APIs, or
// with --data-dir in a stopped broker's security log. One command names one principal, one or
// more operations and one resource pattern.
#include <fmt/format.h>

#include "broker/security/offline_security_store.h"
#include "protocol/messages/security_admin.h"
#include "tools/cairn/common.h"
#include "tools/cairn/offline_store.h"
#include "tools/cairn/security_commands.h"

namespace cairn::tools {

namespace {

namespace security = broker::security;

struct AclOptions {
  std::string principal;
  std::vector<std::string> operations;
  std::string topic, group, transactional_id;
  bool cluster = false;
  bool prefix = false;
  bool deny = false;
  std::string data_dir;
};

// The resource option given (CLI11 makes sure there is at most one), or nullopt.
std::optional<security::ResourcePattern> pattern_of(const AclOptions& o) {
  auto type = security::PatternType::kLiteral;
  if (o.prefix) type = security::PatternType::kPrefixed;
  if (!o.topic.empty())
    return security::ResourcePattern{security::ResourceType::kTopic, o.topic, type};
  if (!o.group.empty())
    return security::ResourcePattern{security::ResourceType::kGroup, o.group, type};
  if (!o.transactional_id.empty()) {
    return security::ResourcePattern{security::ResourceType::kTransactionalId, o.transactional_id,
                                     type};
  }
  if (o.cluster) {
    return security::ResourcePattern{security::ResourceType::kCluster,
                                     std::string(security::kClusterResourceName), type};
  }
  return std::nullopt;
}

std::vector<security::AclBinding> bindings_of(const AclOptions& o) {
  auto pattern = pattern_of(o);
  if (!pattern)
    throw CliError(kExitUsage, "name one of --topic, --group, --cluster, --transactional-id");
  std::vector<security::AclBinding> out;
  for (const auto& name : o.operations) {
    auto op = security::parse_operation(name);
    if (!op) throw CliError(kExitUsage, "--operation: unknown operation '" + name + "'");
    auto permission = o.deny ? security::AclPermission::kDeny : security::AclPermission::kAllow;
    security::AclBinding b{o.principal, permission, *op, *pattern};
    Status valid = security::validate_binding(b);
    if (!valid.is_ok()) throw CliError(kExitUsage, valid.message());
    out.push_back(std::move(b));
  }
  return out;
}

protocol::WireAclBinding to_wire(const security::AclBinding& b) {
  return {static_cast<int8_t>(b.pattern.type),    b.pattern.name,
          static_cast<int8_t>(b.pattern.pattern), b.principal,
          static_cast<int8_t>(b.operation),       static_cast<int8_t>(b.permission)};
}

security::AclBinding from_wire(const protocol::WireAclBinding& w) {
  return {
      w.principal,
      security::permission_from_code(w.permission).value_or(security::AclPermission::kAllow),
      security::operation_from_code(w.operation).value_or(security::AclOperation::kAll),
      {security::resource_type_from_code(w.resource_type).value_or(security::ResourceType::kTopic),
       w.resource_name,
       security::pattern_type_from_code(w.pattern_type).value_or(security::PatternType::kLiteral)}};
}

void change_online(const GlobalOptions& global, const std::vector<security::AclBinding>& bindings,
                   bool add) {
  auto conn = connect(global);
  if (add) {
    protocol::CreateAclsRequest req;
    for (const auto& b : bindings) req.creations.push_back(to_wire(b));
    auto reply = check(conn->call<protocol::CreateAclsRequest, protocol::CreateAclsResponse>(
                           protocol::ApiKey::kCreateAcls, req),
                       "acl add");
    for (size_t i = 0; i < reply->results.size() && i < bindings.size(); ++i) {
      const auto& r = reply->results[i];
      if (r.error != protocol::ErrorCode::kNone) throw CliError(kExitError, r.message);
      fmt::print("added: {}\n", security::describe(bindings[i]));
    }
    return;
  }
  protocol::DeleteAclsRequest req;
  for (const auto& b : bindings) {
    protocol::WireAclBinding w = to_wire(b);
    req.filters.push_back(
        {w.resource_type, w.resource_name, w.pattern_type, w.principal, w.operation, w.permission});
  }
  auto reply = check(conn->call<protocol::DeleteAclsRequest, protocol::DeleteAclsResponse>(
                         protocol::ApiKey::kDeleteAcls, req),
                     "acl remove");
  size_t removed = 0;
  for (const auto& r : reply->results) {
    if (r.error != protocol::ErrorCode::kNone) throw CliError(kExitError, r.message);
    for (const auto& w : r.deleted) {
      fmt::print("removed: {}\n", security::describe(from_wire(w)));
      ++removed;
    }
  }
  if (removed == 0) throw CliError(kExitNotFound, "no such binding");
}

void run_change(const GlobalOptions& global, const AclOptions& o, bool add) {
  auto bindings = bindings_of(o);
  if (o.data_dir.empty()) {
    change_online(global, bindings, add);
    return;
  }
  auto store = open_offline_store(o.data_dir, add ? DataDir::kMayCreate : DataDir::kMustExist);
  std::vector<security::SecurityChange> changes;
  const auto& existing = store->state().acls().bindings();
  for (const auto& b : bindings) {
    bool present = existing.contains(b);
    if (present == add) {
      fmt::print("{}: {}\n", add ? "already there" : "not there", security::describe(b));
      continue;
    }
    changes.push_back(security::AclChange{b, add});
  }
  Status s = store->append(changes);
  if (!s.is_ok()) throw CliError(kExitError, s.message());
  close_offline_store(*store);
  for (const auto& change : changes) {
    fmt::print("{}: {}\n", add ? "added" : "removed",
               security::describe(std::get<security::AclChange>(change).binding));
  }
  if (!add && changes.empty()) throw CliError(kExitNotFound, "no such binding");
}

void run_list(const GlobalOptions& global, const AclOptions& o) {
  security::AclFilter filter;
  if (!o.principal.empty()) filter.principal = o.principal;
  if (auto pattern = pattern_of(o)) {
    filter.resource_type = pattern->type;
    filter.resource_name = pattern->name;
    filter.pattern =
        o.prefix ? security::PatternFilter::kPrefixed : security::PatternFilter::kMatch;
  }
  if (o.data_dir.empty()) {
    protocol::DescribeAclsRequest req;
    if (filter.principal) req.filter.principal = *filter.principal;
    if (filter.resource_type) req.filter.resource_type = static_cast<int8_t>(*filter.resource_type);
    if (filter.resource_name) req.filter.resource_name = *filter.resource_name;
    req.filter.pattern_type = filter.pattern == security::PatternFilter::kPrefixed ? 4
                              : filter.pattern == security::PatternFilter::kMatch  ? 2
                                                                                   : 1;
    auto conn = connect(global);
    auto reply = check(conn->call<protocol::DescribeAclsRequest, protocol::DescribeAclsResponse>(
                           protocol::ApiKey::kDescribeAcls, req),
                       "acl list");
    if (reply->error != protocol::ErrorCode::kNone) throw CliError(kExitError, reply->message);
    for (const auto& w : reply->bindings) fmt::print("{}\n", security::describe(from_wire(w)));
    return;
  }
  auto store = open_offline_store(o.data_dir, DataDir::kMustExist);
  for (const auto& b : store->state().acls().list(filter))
    fmt::print("{}\n", security::describe(b));
  close_offline_store(*store);
}

void add_resource_options(CLI::App* cmd, AclOptions& o) {
  auto* resource = cmd->add_option_group("resource", "The resource (one of them)");
  resource->add_option("--topic", o.topic, "A topic (with --prefix: every topic starting so)");
  resource->add_option("--group", o.group, "A consumer group (or prefix)");
  resource->add_flag("--cluster", o.cluster, "The cluster");
  resource->add_option("--transactional-id", o.transactional_id, "A transactional id (or prefix)");
  resource->require_option(0, 1);
  cmd->add_flag("--prefix", o.prefix, "The name is a prefix, not a literal name");
}

void add_change_command(CLI::App* acl, const GlobalOptions& global, const std::string& name,
                        const std::string& help, bool add) {
  auto o = std::make_shared<AclOptions>();
  auto* cmd = acl->add_subcommand(name, help);
  cmd->add_option("--principal", o->principal, "User:NAME, or User:* for everyone")->required();
  cmd->add_option("--operation", o->operations,
                  "read, write, create, delete, alter, describe, cluster-action, describe-configs, "
                  "alter-configs, idempotent-write or all; comma separated")
      ->required()
      ->delimiter(',');
  add_resource_options(cmd, *o);
  cmd->add_flag("--deny", o->deny, "A DENY binding (default: ALLOW); deny beats allow");
  cmd->add_option("--data-dir", o->data_dir,
                  "Edit this stopped broker's data directory instead of asking the broker");
  cmd->callback([&global, o, add] { run_change(global, *o, add); });
}

}  // namespace

void add_acl_command(CLI::App& app, const GlobalOptions& global) {
  auto* acl = app.add_subcommand("acl", "ACL bindings of a broker (offline: --data-dir)");
  acl->require_subcommand(1);
  add_change_command(acl, global, "add", "Allow (or with --deny, deny) operations on a resource",
                     true);
  add_change_command(acl, global, "remove", "Remove bindings exactly as they were added", false);

  auto o = std::make_shared<AclOptions>();
  auto* list = acl->add_subcommand(
      "list", "Bindings, one per line; with a resource, those that apply to it");
  list->add_option("--principal", o->principal, "Only this principal's");
  add_resource_options(list, *o);
  list->add_option("--data-dir", o->data_dir,
                   "Read this stopped broker's data directory instead of asking the broker");
  list->callback([&global, o] { run_list(global, *o); });
}

}  // namespace cairn::tools
