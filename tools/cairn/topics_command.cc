// cairn topics create|list|describe|alter|delete
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "protocol/messages/fetch.h"
#include "protocol/messages/topic_config.h"
#include "storage/topic_store.h"
#include "tools/cairn/common.h"
#include "tools/common/did_you_mean.h"

namespace cairn::tools {

namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

struct CreateOptions {
  std::string name;
  int32_t partitions = 1;
  int64_t retention_ms = -1;
  int64_t retention_bytes = -1;
  int64_t segment_bytes = -1;
  int64_t segment_ms = -1;
  std::string fsync;
  bool if_not_exists = false;
  std::string cleanup_policy;
  std::vector<std::string> configs;  // key=value
};

struct AlterOptions {
  std::string name;
  std::vector<std::string> sets;  // key=value
};

void check_topic_result(const protocol::TopicResult& r) {
  if (r.error == ErrorCode::kNone) return;
  int code = r.error == ErrorCode::kUnknownTopicOrPartition ? kExitNotFound : kExitError;
  throw CliError(code, "topic '" + r.name + "': " + std::string(protocol::error_name(r.error)) +
                           (r.message.empty() ? "" : ": " + r.message));
}

// "key=value" as a topic.conf setting. Dashes in the key stand for dots (cleanup-policy is
// cleanup.policy); an unknown key is a usage error with the nearest key, before anything is sent.
protocol::ConfigEntry parse_setting(const std::string& text) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw CliError(kExitUsage, "'" + text + "' is not key=value");
  }
  std::string key = text.substr(0, eq);
  std::replace(key.begin(), key.end(), '-', '.');
  auto keys = storage::TopicConfig::keys();
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    std::string message = "unknown topic setting '" + key + "'";
    if (auto near = closest(key, keys)) message += " (did you mean " + *near + "?)";
    throw CliError(kExitUsage, message + "; settings: " + fmt::format("{}", fmt::join(keys, ", ")));
  }
  return {key, text.substr(eq + 1)};
}

// Sends a TopicConfig request; throws CliError for any error.
protocol::TopicConfigResponse topic_config(client::Connection& conn, const std::string& topic,
                                           std::vector<protocol::ConfigEntry> changes) {
  protocol::TopicConfigRequest req{topic, std::move(changes)};
  auto reply = check(conn.call<protocol::TopicConfigRequest, protocol::TopicConfigResponse>(
                         ApiKey::kTopicConfig, req),
                     "topic settings");
  if (reply->error != ErrorCode::kNone) {
    int code = reply->error == ErrorCode::kUnknownTopicOrPartition ? kExitNotFound : kExitError;
    throw CliError(code, "topic '" + topic +
                             "': " + std::string(protocol::error_name(reply->error)) +
                             (reply->message.empty() ? "" : ": " + reply->message));
  }
  return std::move(reply.body);
}

void print_settings(const std::vector<protocol::ConfigEntry>& settings) {
  for (const auto& s : settings) fmt::print("  {}={}\n", s.key, s.value);
}

std::string limit(int64_t v, const char* unit) {
  return v < 0 ? "none" : fmt::format("{} {}", v, unit);
}

}  // namespace

// Each partition's last stable offset (PROTOCOL.md, "Isolation"), from a Fetch v2 at its high
// watermark that waits for nothing; absent for a partition the fetch could not read (or a
// broker without Fetch v2).
std::map<int32_t, int64_t> last_stable_offsets(client::Connection& conn,
                                               const protocol::TopicMetadata& t) {
  std::map<int32_t, int64_t> out;
  if (conn.version_for(ApiKey::kFetch, 2) < 2 || t.partitions.empty()) return out;
  protocol::FetchRequest req;
  req.max_wait_ms = 0;
  req.max_bytes = 1;
  auto& topic = req.topics.emplace_back();
  topic.name = t.name;
  for (const auto& p : t.partitions) topic.partitions.push_back({p.partition, p.high_watermark, 1});
  auto r = conn.call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, req,
                                                                      {.version = 2});
  if (!r) return out;
  for (const auto& rt : r->body.topics) {
    for (const auto& p : rt.partitions) {
      if (p.last_stable_offset >= 0) out[p.partition] = p.last_stable_offset;
    }
  }
  return out;
}

namespace {

// Each partition's followers as its leader sees them ("end" above is the high watermark): the
// in-sync set (this leader first), then per follower its fetched offset and lag in records.
void print_replicas(const protocol::TopicMetadata& t) {
  bool any = std::ranges::any_of(t.partitions, [](const auto& p) { return !p.replicas.empty(); });
  if (!any) return;
  fmt::print("replicas:\n");
  for (const auto& p : t.partitions) {
    std::vector<int32_t> in_sync{p.leader};
    for (const auto& r : p.replicas) {
      if (r.in_sync) in_sync.push_back(r.replica_id);
    }
    fmt::print("  partition {}: log end {}, in sync [{}]\n", p.partition, p.log_end_offset,
               fmt::join(in_sync, ","));
    for (const auto& r : p.replicas) {
      fmt::print("    replica {}: fetched {}, lag {}, {}, caught up {}\n", r.replica_id,
                 r.fetched_offset, std::max<int64_t>(p.log_end_offset - r.fetched_offset, 0),
                 r.in_sync ? "in sync" : "out of sync",
                 r.caught_up_ms_ago < 0 ? std::string("never")
                                        : fmt::format("{} ms ago", r.caught_up_ms_ago));
    }
  }
}

}  // namespace

void add_topics_command(CLI::App& app, const GlobalOptions& global) {
  auto* topics = app.add_subcommand("topics", "Create, list, describe and delete topics");
  topics->require_subcommand(1);

  auto create_opts = std::make_shared<CreateOptions>();
  auto* create = topics->add_subcommand("create", "Create a topic");
  create->add_option("name", create_opts->name, "Topic name")->required();
  create->add_option("--partitions", create_opts->partitions, "Number of partitions")
      ->capture_default_str();
  create->add_option("--retention-ms", create_opts->retention_ms,
                     "Delete segments older than this (default: the broker's)");
  create->add_option("--retention-bytes", create_opts->retention_bytes,
                     "Keep about this many bytes per partition (default: the broker's)");
  create->add_option("--segment-bytes", create_opts->segment_bytes,
                     "Roll segments at this size (default: the broker's)");
  create->add_option("--segment-ms", create_opts->segment_ms,
                     "Roll segments at this age (default: the broker's)");
  create->add_option("--fsync", create_opts->fsync,
                     "always, interval:MS or never (default: the broker's)");
  create->add_flag("--if-not-exists", create_opts->if_not_exists,
                   "Succeed, creating nothing, when the topic exists (its settings unchecked)");
  create->add_option("--cleanup-policy", create_opts->cleanup_policy,
                     "delete, compact or compact,delete (default: delete)");
  create->add_option("--config", create_opts->configs,
                     "Any topic setting, key=value (repeatable; see topics alter)");
  create->callback([create_opts, &global] {
    std::vector<protocol::ConfigEntry> settings;
    if (!create_opts->cleanup_policy.empty()) {
      settings.push_back({"cleanup.policy", create_opts->cleanup_policy});
    }
    for (const auto& c : create_opts->configs) settings.push_back(parse_setting(c));
    auto conn = connect(global);
    protocol::CreateTopicsRequest req;
    req.topics.push_back(
        {create_opts->name,
         create_opts->partitions,
         {create_opts->retention_ms, create_opts->retention_bytes, create_opts->segment_bytes,
          create_opts->segment_ms, create_opts->fsync}});
    auto reply = check(conn->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
                           ApiKey::kCreateTopics, req),
                       "create topic");
    for (const auto& r : reply->results) {
      if (create_opts->if_not_exists && r.error == ErrorCode::kTopicAlreadyExists) {
        fmt::print("topic {} exists\n", create_opts->name);
        return;
      }
      check_topic_result(r);
    }
    // CreateTopics carries the classic settings; the others follow as a change of the new topic.
    if (!settings.empty()) topic_config(*conn, create_opts->name, std::move(settings));
    int32_t n = create_opts->partitions;
    fmt::print("created topic {} with {} partition{}\n", create_opts->name, n, n == 1 ? "" : "s");
  });

  auto* list = topics->add_subcommand("list", "List topic names, one per line");
  list->callback([&global] {
    auto conn = connect(global);
    auto reply = check(conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
                           ApiKey::kMetadata, protocol::MetadataRequest{}),
                       "list topics");
    for (const auto& t : reply->topics) fmt::print("{}\n", t.name);
  });

  auto describe_name = std::make_shared<std::string>();
  auto* describe = topics->add_subcommand("describe", "Show a topic's settings and partitions");
  describe->add_option("name", *describe_name, "Topic name")->required();
  describe->callback([describe_name, &global] {
    auto conn = connect(global);
    auto t = describe_topic(*conn, *describe_name);
    auto config = topic_config(*conn, *describe_name, {});
    std::map<int32_t, uint32_t> dirty;
    for (const auto& p : config.partitions) dirty[p.partition] = p.dirty_ratio_ppm;
    const auto& s = t.settings;
    fmt::print(
        "topic {}: {} partition{}, durability {}, segment {} bytes / {} ms, retention {} / {}\n",
        t.name, t.partitions.size(), t.partitions.size() == 1 ? "" : "s", s.durability,
        s.segment_bytes, s.segment_ms, limit(s.retention_bytes, "bytes"),
        limit(s.retention_ms, "ms"));
    fmt::print("settings:\n");
    print_settings(config.settings);
    auto stable = last_stable_offsets(*conn, t);
    fmt::print("{:>9} {:>12} {:>12} {:>12} {:>14} {:>7} {:>6}  {}\n", "partition", "start", "end",
               "stable", "bytes", "dirty", "epoch", "status");
    for (const auto& p : t.partitions) {
      auto lso = stable.find(p.partition);
      fmt::print("{:>9} {:>12} {:>12} {:>12} {:>14} {:>6.1f}% {:>6}  {}\n", p.partition,
                 p.log_start_offset, p.high_watermark,
                 lso == stable.end() ? std::string("-") : std::to_string(lso->second), p.size_bytes,
                 dirty[p.partition] / 1e4, p.leader_epoch,
                 p.error == ErrorCode::kNone
                     ? std::string("ok")
                     : std::string(protocol::error_name(p.error)) + ": " + p.error_message);
    }
    print_replicas(t);
  });

  auto alter_opts = std::make_shared<AlterOptions>();
  auto* alter = topics->add_subcommand("alter", "Change a topic's settings");
  alter->add_option("name", alter_opts->name, "Topic name")->required();
  alter
      ->add_option("--set", alter_opts->sets,
                   "key=value, repeatable: partitions (only more), segment.bytes, segment.ms, "
                   "retention.bytes, retention.ms, durability, cleanup.policy, compression, "
                   "min.compaction.lag.ms, delete.retention.ms, min.cleanable.dirty.ratio")
      ->required();
  alter->callback([alter_opts, &global] {
    std::vector<protocol::ConfigEntry> changes;
    for (const auto& s : alter_opts->sets) changes.push_back(parse_setting(s));
    auto conn = connect(global);
    auto config = topic_config(*conn, alter_opts->name, std::move(changes));
    fmt::print("altered topic {}:\n", alter_opts->name);
    print_settings(config.settings);
  });

  auto delete_name = std::make_shared<std::string>();
  auto* del = topics->add_subcommand("delete", "Delete a topic and all its data");
  del->add_option("name", *delete_name, "Topic name")->required();
  del->callback([delete_name, &global] {
    auto conn = connect(global);
    protocol::DeleteTopicsRequest req{{*delete_name}};
    auto reply = check(conn->call<protocol::DeleteTopicsRequest, protocol::DeleteTopicsResponse>(
                           ApiKey::kDeleteTopics, req),
                       "delete topic");
    for (const auto& r : reply->results) check_topic_result(r);
    fmt::print("deleted topic {}\n", *delete_name);
  });
}

}  // namespace cairn::tools
