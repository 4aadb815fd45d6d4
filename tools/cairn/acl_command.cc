// cairn acl add|remove|list: ACL bindings in a data directory's security log (broker
// stopped). One command names one principal, one or more operations and one resource pattern.
#include <fmt/format.h>

#include "broker/security/offline_security_store.h"
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
  if (!o.topic.empty()) return security::ResourcePattern{security::ResourceType::kTopic, o.topic, type};
  if (!o.group.empty()) return security::ResourcePattern{security::ResourceType::kGroup, o.group, type};
  if (!o.transactional_id.empty()) {
    return security::ResourcePattern{security::ResourceType::kTransactionalId, o.transactional_id, type};
  }
  if (o.cluster) {
    return security::ResourcePattern{security::ResourceType::kCluster,
                                     std::string(security::kClusterResourceName), type};
  }
  return std::nullopt;
}

std::vector<security::AclBinding> bindings_of(const AclOptions& o) {
  auto pattern = pattern_of(o);
  if (!pattern) throw CliError(kExitUsage, "name one of --topic, --group, --cluster, --transactional-id");
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

void run_change(const AclOptions& o, bool add) {
  auto bindings = bindings_of(o);
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

void run_list(const AclOptions& o) {
  security::AclFilter filter;
  if (!o.principal.empty()) filter.principal = o.principal;
  if (auto pattern = pattern_of(o)) {
    filter.resource_type = pattern->type;
    filter.resource_name = pattern->name;
    filter.pattern = o.prefix ? security::PatternFilter::kPrefixed : security::PatternFilter::kMatch;
  }
  auto store = open_offline_store(o.data_dir, DataDir::kMustExist);
  for (const auto& b : store->state().acls().list(filter)) fmt::print("{}\n", security::describe(b));
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

void add_change_command(CLI::App* acl, const std::string& name, const std::string& help, bool add) {
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
  cmd->add_option("--data-dir", o->data_dir, "The broker's data directory (the broker must be stopped)")
      ->required();
  cmd->callback([o, add] { run_change(*o, add); });
}

}  // namespace

void add_acl_command(CLI::App& app) {
  auto* acl = app.add_subcommand("acl", "ACL bindings of a broker (offline: --data-dir)");
  acl->require_subcommand(1);
  add_change_command(acl, "add", "Allow (or with --deny, deny) operations on a resource", true);
  add_change_command(acl, "remove", "Remove bindings exactly as they were added", false);

  auto o = std::make_shared<AclOptions>();
  auto* list = acl->add_subcommand(
      "list", "Bindings, one per line; with a resource, those that apply to it");
  list->add_option("--principal", o->principal, "Only this principal's");
  add_resource_options(list, *o);
  list->add_option("--data-dir", o->data_dir, "The broker's data directory (the broker must be stopped)")
      ->required();
  list->callback([o] { run_list(*o); });
}

}  // namespace cairn::tools
