// cairn groups list|describe|reset-offsets
#include <fmt/format.h>

#include "cairn/admin.h"
#include "tools/cairn/common.h"

namespace cairn::tools {

namespace {

std::unique_ptr<client::Admin> admin(const GlobalOptions& global) {
  client::AdminConfig c;
  c.broker = global.broker;
  c.client_id = "cairn-cli";
  c.request_timeout = std::chrono::milliseconds(global.timeout_ms);
  return check(client::Admin::create(c), "connect");
}

int code_of(const Status& s) {
  switch (s.code()) {
    case Status::Code::kNotFound: return kExitNotFound;
    case Status::Code::kUnavailable:
    case Status::Code::kTimedOut: return kExitUnreachable;
    default: return kExitError;
  }
}

struct ResetOptions {
  std::string group;
  std::string topic;
  std::string to;
  int32_t partition = -1;
};

}  // namespace

void add_groups_command(CLI::App& app, const GlobalOptions& global) {
  auto* groups = app.add_subcommand("groups", "List and describe consumer groups, reset their offsets");
  groups->require_subcommand(1);

  auto* list = groups->add_subcommand("list", "Group ids, one per line");
  list->callback([&global] {
    auto listing = admin(global)->list_groups();
    if (!listing) throw CliError(code_of(listing.error()), listing.error().message());
    for (const auto& g : *listing) fmt::print("{}\n", g.group_id);
  });

  auto describe_id = std::make_shared<std::string>();
  auto* describe = groups->add_subcommand(
      "describe", "Members, assignment, and per partition the committed offset, end offset and lag");
  describe->add_option("group", *describe_id, "Group id")->required();
  describe->callback([describe_id, &global] {
    auto d = admin(global)->describe_group(*describe_id);
    if (!d) throw CliError(code_of(d.error()), d.error().message());
    const auto& g = *d;
    fmt::print("group {}: {}, generation {}, strategy {}, {} members\n", g.group_id, g.state,
               g.generation, g.strategy.empty() ? "-" : g.strategy, g.members.size());
    for (const auto& m : g.members) {
      std::string assigned;
      for (const auto& tp : m.assignment) {
        assigned += fmt::format("{}{}-{}", assigned.empty() ? "" : " ", tp.topic, tp.partition);
      }
      fmt::print("  member {} client {} host {}: {}\n", m.member_id, m.client_id, m.host,
                 assigned.empty() ? "(no partitions)" : assigned);
    }
    fmt::print("{:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", "topic", "partition", "committed", "end", "lag", "owner");
    for (const auto& p : d->partitions) {
      fmt::print("{:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", p.topic_partition.topic,
                 p.topic_partition.partition, p.committed ? std::to_string(*p.committed) : "-",
                 p.end_offset, p.lag, p.owner.empty() ? "-" : p.owner);
    }
  });

  auto reset = std::make_shared<ResetOptions>();
  auto* reset_cmd = groups->add_subcommand(
      "reset-offsets", "Set a group's committed offsets for a topic (the group must have no members)");
  reset_cmd->add_option("group", reset->group, "Group id")->required();
  reset_cmd->add_option("--topic", reset->topic, "Topic")->required();
  reset_cmd->add_option("--to", reset->to,
                        "earliest, latest or an offset (clamped to each partition's offsets, "
                        "with a warning)")
      ->required();
  reset_cmd->add_option("--partition", reset->partition, "Only this partition (default: all)")
      ->check(CLI::NonNegativeNumber);
  reset_cmd->callback([reset, &global] {
    client::OffsetTarget target;
    if (reset->to == "earliest") {
      target.kind = client::OffsetTarget::Kind::kEarliest;
    } else if (reset->to == "latest") {
      target.kind = client::OffsetTarget::Kind::kLatest;
    } else {
      try {
        size_t used = 0;
        target.offset = std::stoll(reset->to, &used);
        if (used != reset->to.size() || target.offset < 0) throw std::invalid_argument("to");
      } catch (const std::exception&) {
        throw CliError(kExitUsage, "--to must be earliest, latest or an offset >= 0");
      }
      target.kind = client::OffsetTarget::Kind::kOffset;
    }
    auto a = admin(global);
    auto plan = a->plan_offset_reset(reset->topic, target,
                                     reset->partition >= 0 ? std::optional(reset->partition) : std::nullopt);
    if (!plan) throw CliError(code_of(plan.error()), plan.error().message());
    for (const auto& p : *plan) {
      if (!p.clamped) continue;
      fmt::print(stderr, "cairn: warning: --to {} is outside the offsets of {}-{}, [{}, {}]: setting it to {}\n",
                 target.offset, reset->topic, p.partition, p.log_start, p.log_end, p.offset);
    }
    Status s = a->reset_offsets(reset->group, reset->topic, *plan);
    if (!s.is_ok()) throw CliError(code_of(s), s.message());
  });
}

}  // namespace cairn::tools
