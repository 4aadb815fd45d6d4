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

struct Entry {
  size_t topic;
  int32_t partition;
  std::string topic_name;
};

awaitable<std::vector<protocol::PartitionMetadata>> stats_on_shard(Shard& shard,
                                                                   std::vector<Entry> entries,
                                                                   int32_t node_id) {
  std::vector<protocol::PartitionMetadata> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    auto& m = out[i];
    m.partition = entries[i].partition;
    m.leader = node_id;
    Partition* p = shard.find(entries[i].topic_name, entries[i].partition);
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

}  // namespace

awaitable<HandlerResult> handle_metadata(RequestContext& ctx) {
  auto request = protocol::MetadataRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  const auto& config = ctx.broker.config();
  protocol::MetadataResponse response;
  response.node_id = config.node_id;
  response.host = config.host;
  response.port = ctx.broker.port();

  std::vector<std::pair<std::string, std::optional<storage::TopicConfig>>> topics;
  if (request->topics) {
    for (const auto& name : *request->topics) {
      co_await ensure_topic(ctx.broker, name);
      topics.emplace_back(name, ctx.broker.topics().find(name));
    }
  } else {
    for (auto& [name, c] : ctx.broker.topics().snapshot()) {
      if (!is_internal_topic(name)) topics.emplace_back(name, c);
    }
  }

  std::map<unsigned, std::vector<Entry>> by_shard;
  for (size_t t = 0; t < topics.size(); ++t) {
    auto& out = response.topics.emplace_back();
    out.name = topics[t].first;
    if (!topics[t].second) {
      out.error = ErrorCode::kUnknownTopicOrPartition;
      continue;
    }
    out.settings = settings_of(*topics[t].second);
    out.partitions.resize(static_cast<size_t>(topics[t].second->partitions));
    for (int32_t p = 0; p < topics[t].second->partitions; ++p) {
      by_shard[ctx.broker.shard_for(out.name, p).id()].push_back(Entry{t, p, out.name});
    }
  }
  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<protocol::PartitionMetadata>>>> tasks;
  std::vector<std::vector<Entry>> routed;
  for (auto& [shard, entries] : by_shard) {
    routed.push_back(entries);
    tasks.emplace_back(ctx.broker.shard(shard).executor(),
                       stats_on_shard(ctx.broker.shard(shard), std::move(entries), config.node_id));
  }
  auto results = co_await gather(std::move(tasks));
  for (size_t s = 0; s < results.size(); ++s) {
    for (size_t i = 0; i < results[s].size(); ++i) {
      const Entry& e = routed[s][i];
      response.topics[e.topic].partitions[static_cast<size_t>(e.partition)] = std::move(results[s][i]);
    }
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
