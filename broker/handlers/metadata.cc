// Metadata: the broker's address and, for the topics asked for (all by default), their settings
// and each partition's offsets and size, read from the shards that own them.
#include <map>

#include "broker/broker.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// A partition of a topic in the response, by position (the response owns the names).
struct Entry {
  uint32_t topic;
  int32_t partition;
};

awaitable<std::vector<protocol::PartitionMetadata>> stats_on_shard(
    Shard& shard, const protocol::MetadataResponse& response, const std::vector<Entry>& entries,
    int32_t node_id) {
  std::vector<protocol::PartitionMetadata> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& m = out[i];
    m.partition = entries[i].partition;
    m.leader = node_id;
    Partition* p = shard.find(response.topics[entries[i].topic].name, entries[i].partition);
    if (p == nullptr) {
      m.error = ErrorCode::kUnknownTopicOrPartition;
      m.error_message = "not open yet";
    } else if (!p->log()) {
      m.error = ErrorCode::kPartitionOffline;
      m.error_message = p->offline_reason().message();
    } else {
      m.log_start_offset = p->log()->log_start_offset().value();
      m.high_watermark = p->log()->high_watermark().value();
      m.size_bytes = static_cast<int64_t>(p->log()->size_bytes());
      if (!p->log()->write_status().is_ok()) {
        m.error = ErrorCode::kStorageError;
        m.error_message = p->log()->write_status().message();
      }
    }
  }
  co_return out;
}

protocol::TopicSettings settings_of(const storage::TopicConfig& c) {
  protocol::TopicSettings s;
  s.retention_ms = c.retention_age ? c.retention_age->count() : -1;
  s.retention_bytes = c.retention_bytes ? static_cast<int64_t>(*c.retention_bytes) : -1;
  s.segment_bytes = static_cast<int64_t>(c.segment_bytes);
  s.segment_ms = c.segment_age.count();
  s.durability = c.durability.to_string();
  return s;
}

// Memory per named topic and per partition listed (request, lookups, routing, response).
constexpr uint64_t kBytesPerTopic = sizeof(std::string) + sizeof(protocol::TopicMetadata) +
                                    sizeof(std::optional<storage::TopicConfig>) + 64;
constexpr uint64_t kBytesPerPartition = sizeof(Entry) + 2 * sizeof(protocol::PartitionMetadata) + 48;

}  // namespace

awaitable<HandlerResult> handle_metadata(RequestContext& ctx) {
  auto request = protocol::MetadataRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  const auto& config = ctx.broker.config();
  protocol::MetadataResponse response;
  response.node_id = config.node_id;
  response.host = config.host;
  response.port = ctx.broker.port();

  std::vector<std::optional<storage::TopicConfig>> configs;
  if (request->topics) {
    uint64_t work = 0;
    for (const auto& name : *request->topics) work += kBytesPerTopic + 2 * name.size();
    ctx.memory.add(work);
    for (auto& name : *request->topics) {
      auto& out = response.topics.emplace_back();
      out.name = std::move(name);
      if (!is_valid_topic_name(out.name)) {
        out.error = ErrorCode::kInvalidTopicName;
        configs.emplace_back();
        continue;
      }
      co_await ensure_topic(ctx.broker, out.name);
      configs.push_back(ctx.broker.topics().find(out.name));
      if (!configs.back()) out.error = ErrorCode::kUnknownTopicOrPartition;
    }
  } else {
    for (auto& [name, c] : ctx.broker.topics().snapshot()) {
      if (is_internal_topic(name)) continue;
      response.topics.emplace_back().name = name;
      configs.emplace_back(c);
    }
  }

  std::map<unsigned, std::vector<Entry>> by_shard;
  uint64_t partitions = 0;
  for (uint32_t t = 0; t < response.topics.size(); ++t) {
    if (!configs[t]) continue;
    auto& out = response.topics[t];
    out.settings = settings_of(*configs[t]);
    out.partitions.resize(static_cast<size_t>(configs[t]->partitions));
    partitions += out.partitions.size();
    for (int32_t p = 0; p < configs[t]->partitions; ++p) {
      by_shard[ctx.broker.shard_for(out.name, p).id()].push_back(Entry{t, p});
    }
  }
  ctx.memory.add(partitions * kBytesPerPartition);
  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<protocol::PartitionMetadata>>>> tasks;
  for (auto& [shard, entries] : by_shard) {
    Shard& s = ctx.broker.shard(shard);
    tasks.emplace_back(s.executor(), stats_on_shard(s, response, entries, config.node_id));
  }
  auto results = co_await gather(std::move(tasks));
  size_t s = 0;
  for (auto& [shard, entries] : by_shard) {
    for (size_t i = 0; i < entries.size(); ++i) {
      response.topics[entries[i].topic].partitions[static_cast<size_t>(entries[i].partition)] =
          std::move(results[s][i]);
    }
    ++s;
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
