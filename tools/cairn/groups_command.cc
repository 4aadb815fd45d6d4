// cairn groups list|describe|delete|reset-offsets
#include <fmt/format.h>
#include <unistd.h>

#include <thread>

#include "cairn/admin.h"
#include "tools/cairn/common.h"
#include "tools/cairn/position.h"
#include "tools/cairn/signals.h"

namespace cairn::tools {

namespace {

std::unique_ptr<client::Admin> admin(const GlobalOptions& global) {
  client::AdminConfig c;
  c.broker = global.broker;
  c.tls = global.tls;
  c.sasl = sasl_from_environment();
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
  std::string to_datetime;
  int64_t shift_by = 0;
  bool shift = false;
  int32_t partition = -1;
  bool dry_run = false;
};

struct DescribeOptions {
  std::string group;
  bool watch = false;
  double interval_s = 2;
};

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void print_group(const client::GroupDescription& g) {
  fmt::print("group {}: {}, generation {}, strategy {}, {} member{}\n", g.group_id, g.state,
             g.generation, g.strategy.empty() ? "-" : g.strategy, g.members.size(),
             g.members.size() == 1 ? "" : "s");
  for (const auto& m : g.members) {
    std::string assigned;
    for (const auto& tp : m.assignment) {
      assigned += fmt::format("{}{}-{}", assigned.empty() ? "" : " ", tp.topic, tp.partition);
    }
    fmt::print("  member {} client {} host {}: {}\n", m.member_id, m.client_id, m.host,
               assigned.empty() ? "(no partitions)" : assigned);
  }
  fmt::print("{:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", "topic", "partition", "committed", "end",
             "lag", "owner");
  int64_t total = 0;
  for (const auto& p : g.partitions) {
    fmt::print("{:<24} {:>9} {:>12} {:>12} {:>10}  {}\n", p.topic_partition.topic,
               p.topic_partition.partition, p.committed ? std::to_string(*p.committed) : "-",
               p.end_offset, p.lag, p.owner.empty() ? "-" : p.owner);
    total += p.lag;
  }
  fmt::print("total lag {}\n", total);
}

// The plan for --to @TIME / --to-datetime: each partition at its first record at or after the
// time, or at its end when none is that new.
std::vector<client::PartitionOffsetReset> plan_at_time(client::Admin& a, const ResetOptions& r,
                                                       int64_t ms, const GlobalOptions& global) {
  auto latest = a.plan_offset_reset(r.topic, {client::OffsetTarget::Kind::kLatest, 0},
                                    r.partition >= 0 ? std::optional(r.partition) : std::nullopt);
  if (!latest) throw CliError(code_of(latest.error()), latest.error().message());
  std::vector<int32_t> ids;
  for (const auto& p : *latest) ids.push_back(p.partition);
  auto conn = connect(global);
  auto at_time = offsets_at_time(*conn, r.topic, ids, ms);
  for (auto& p : *latest) {
    p.offset = start_offset({StartPosition::Kind::kTimestamp, ms}, p.log_start, p.log_end,
                            at_time[p.partition]);
  }
  return std::move(*latest);
}

// The plan for --shift-by N: each partition's committed offset moved by N, within its offsets; a
// partition with nothing committed moves from its log start.
std::vector<client::PartitionOffsetReset> plan_shift(client::Admin& a, const ResetOptions& r) {
  auto earliest = a.plan_offset_reset(r.topic, {client::OffsetTarget::Kind::kEarliest, 0},
                                      r.partition >= 0 ? std::optional(r.partition) : std::nullopt);
  if (!earliest) throw CliError(code_of(earliest.error()), earliest.error().message());
  auto described = a.describe_group(r.group);
  if (!described) throw CliError(code_of(described.error()), described.error().message());
  for (auto& p : *earliest) {
    int64_t from = p.log_start;
    for (const auto& lag : described->partitions) {
      if (lag.topic_partition.topic == r.topic && lag.topic_partition.partition == p.partition &&
          lag.committed) {
        from = *lag.committed;
      }
    }
    int64_t to = from + r.shift_by;
    p.offset = std::clamp(to, p.log_start, p.log_end);
    p.clamped = p.offset != to;
  }
  return std::move(*earliest);
}

}  // namespace

void add_groups_command(CLI::App& app, const GlobalOptions& global) {
  auto* groups = app.add_subcommand(
      "groups", "List, describe and delete consumer groups, reset their offsets");
  groups->require_subcommand(1);

  auto* list = groups->add_subcommand("list", "Group ids, one per line");
  list->callback([&global] {
    auto listing = admin(global)->list_groups();
    if (!listing) throw CliError(code_of(listing.error()), listing.error().message());
    for (const auto& g : *listing) fmt::print("{}\n", g.group_id);
  });

  auto describe_opts = std::make_shared<DescribeOptions>();
  auto* describe = groups->add_subcommand(
      "describe",
      "Members, assignment, and per partition the committed offset, end offset and lag");
  describe->add_option("group", describe_opts->group, "Group id")->required();
  describe->add_flag("-w,--watch", describe_opts->watch, "Refresh until interrupted");
  describe
      ->add_option("--interval", describe_opts->interval_s,
                   "Seconds between refreshes with --watch")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  describe->callback([describe_opts, &global] {
    auto a = admin(global);
    if (describe_opts->watch) trap_stop_signals();
    bool screen = describe_opts->watch && ::isatty(STDOUT_FILENO);
    for (;;) {
      auto d = a->describe_group(describe_opts->group);
      if (!d) throw CliError(code_of(d.error()), d.error().message());
      if (screen) fmt::print("\033[H\033[2J");  // home, clear
      print_group(*d);
      std::fflush(stdout);
      if (!describe_opts->watch) return;
      auto until =
          std::chrono::steady_clock::now() +
          std::chrono::milliseconds(static_cast<int64_t>(describe_opts->interval_s * 1000));
      while (std::chrono::steady_clock::now() < until && !stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (stop_requested()) return;
      if (!screen) fmt::print("\n");
    }
  });

  auto delete_group = std::make_shared<std::string>();
  auto* del = groups->add_subcommand(
      "delete", "Delete a group and its committed offsets (the group must have no members)");
  del->add_option("group", *delete_group, "Group id")->required();
  del->callback([delete_group, &global] {
    Status s = admin(global)->delete_group(*delete_group);
    if (!s.is_ok()) throw CliError(code_of(s), s.message());
    fmt::print("deleted group {}\n", *delete_group);
  });

  auto reset = std::make_shared<ResetOptions>();
  auto* reset_cmd = groups->add_subcommand(
      "reset-offsets",
      "Set a group's committed offsets for a topic (the group must have no members)");
  reset_cmd->add_option("group", reset->group, "Group id")->required();
  reset_cmd->add_option("--topic", reset->topic, "Topic")->required();
  auto* to = reset_cmd->add_option(
      "--to", reset->to,
      "earliest, latest, an offset (clamped to each partition's offsets, with a warning) or @TIME "
      "(ms since the epoch, ISO 8601, or -1h: each partition's first record that new)");
  auto* to_datetime = reset_cmd->add_option("--to-datetime", reset->to_datetime,
                                            "The same as --to @TIME, for an ISO 8601 time");
  auto* shift =
      reset_cmd->add_option("--shift-by", reset->shift_by,
                            "Move each partition's committed offset by N (negative: back)");
  to->excludes(to_datetime)->excludes(shift);
  to_datetime->excludes(shift);
  reset_cmd->add_option("--partition", reset->partition, "Only this partition (default: all)")
      ->check(CLI::NonNegativeNumber);
  reset_cmd->add_flag("--dry-run", reset->dry_run, "Print the new offsets without committing them");
  reset_cmd->callback([reset, shift, to_datetime, &global] {
    auto a = admin(global);
    std::optional<int32_t> only =
        reset->partition >= 0 ? std::optional(reset->partition) : std::nullopt;
    std::vector<client::PartitionOffsetReset> plan;
    std::string target_text = reset->to;
    if (shift->count() > 0) {
      plan = plan_shift(*a, *reset);
      target_text = fmt::format("shift {}", reset->shift_by);
    } else if (to_datetime->count() > 0 || (!reset->to.empty() && reset->to[0] == '@')) {
      std::string text = to_datetime->count() > 0 ? reset->to_datetime : reset->to.substr(1);
      auto ms = parse_time(text, now_ms());
      if (!ms) throw CliError(kExitUsage, ms.error().message());
      plan = plan_at_time(*a, *reset, *ms, global);
    } else if (reset->to.empty()) {
      throw CliError(kExitUsage, "say where: --to, --to-datetime or --shift-by");
    } else {
      client::OffsetTarget target;
      if (reset->to == "earliest" || reset->to == "beginning") {
        target.kind = client::OffsetTarget::Kind::kEarliest;
      } else if (reset->to == "latest" || reset->to == "end") {
        target.kind = client::OffsetTarget::Kind::kLatest;
      } else {
        try {
          size_t used = 0;
          target.offset = std::stoll(reset->to, &used);
          if (used != reset->to.size() || target.offset < 0) throw std::invalid_argument("to");
        } catch (const std::exception&) {
          throw CliError(kExitUsage, "--to must be earliest, latest, an offset >= 0 or @TIME");
        }
        target.kind = client::OffsetTarget::Kind::kOffset;
      }
      auto planned = a->plan_offset_reset(reset->topic, target, only);
      if (!planned) throw CliError(code_of(planned.error()), planned.error().message());
      plan = std::move(*planned);
    }
    for (const auto& p : plan) {
      if (!p.clamped) continue;
      fmt::print(
          stderr,
          "cairn: warning: --{} is outside the offsets of {}-{}, [{}, {}]: setting it to {}\n",
          shift->count() > 0 ? "shift-by " + std::to_string(reset->shift_by) : "to " + reset->to,
          reset->topic, p.partition, p.log_start, p.log_end, p.offset);
    }
    if (!reset->dry_run) {
      Status s = a->reset_offsets(reset->group, reset->topic, plan);
      if (!s.is_ok()) throw CliError(code_of(s), s.message());
    }
    for (const auto& p : plan) {
      fmt::print("{} {}-{} {} {}\n", reset->dry_run ? "would set" : "set", reset->topic,
                 p.partition, reset->dry_run ? "to" : "at", p.offset);
    }
  });
}

}  // namespace cairn::tools
