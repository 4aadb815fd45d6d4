// cairn topics create|list|describe|delete
#include <fmt/format.h>

#include "tools/cairn/common.h"

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
};

void check_topic_result(const protocol::TopicResult& r) {
  if (r.error == ErrorCode::kNone) return;
  int code = r.error == ErrorCode::kUnknownTopicOrPartition ? kExitNotFound : kExitError;
  throw CliError(code, "topic '" + r.name + "': " + std::string(protocol::error_name(r.error)) +
                           (r.message.empty() ? "" : ": " + r.message));
}

std::string limit(int64_t v, const char* unit) {
  return v < 0 ? "none" : fmt::format("{} {}", v, unit);
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
  create->callback([create_opts, &global] {
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
    const auto& s = t.settings;
    fmt::print(
        "topic {}: {} partition{}, durability {}, segment {} bytes / {} ms, retention {} / {}\n",
        t.name, t.partitions.size(), t.partitions.size() == 1 ? "" : "s", s.durability,
        s.segment_bytes, s.segment_ms, limit(s.retention_bytes, "bytes"),
        limit(s.retention_ms, "ms"));
    fmt::print("{:>9} {:>12} {:>12} {:>14}  {}\n", "partition", "start", "end", "bytes", "status");
    for (const auto& p : t.partitions) {
      fmt::print("{:>9} {:>12} {:>12} {:>14}  {}\n", p.partition, p.log_start_offset,
                 p.high_watermark, p.size_bytes,
                 p.error == ErrorCode::kNone
                     ? std::string("ok")
                     : std::string(protocol::error_name(p.error)) + ": " + p.error_message);
    }
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
