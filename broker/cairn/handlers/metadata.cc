// Metadata: the broker's address and, for the topics asked for (all by default), their settings
// and each partition's offsets and size.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

protocol::TopicSettings settings_of(const storage::TopicConfig& c) {
  protocol::TopicSettings s;
  s.retention_ms = c.retention_age ? c.retention_age->count() : -1;
  s.retention_bytes = c.retention_bytes ? static_cast<int64_t>(*c.retention_bytes) : -1;
  s.segment_bytes = static_cast<int64_t>(c.segment_bytes);
  s.segment_ms = c.segment_age.count();
  s.durability = c.durability.to_string();
  return s;
}

// Memory per named topic and per partition listed, beyond what the operation charges.
constexpr uint64_t kBytesPerTopic = sizeof(std::string) + sizeof(protocol::TopicMetadata) + 64;
constexpr uint64_t kBytesPerPartition = sizeof(protocol::PartitionMetadata);

}  // namespace

awaitable<Reply<protocol::MetadataResponse>> handle(RequestContext& ctx,
                                                    protocol::MetadataRequest r) {
  const BrokerConfig& config = ctx.ops.config();
  if (r.topics) {
    uint64_t work = 0;
    for (const auto& name : *r.topics) {
      work += kBytesPerTopic + kDescribeBytesPerTopic + 2 * name.size();
    }
    ctx.memory.add(work);
  }
  auto topics = co_await ctx.ops.describe_topics(std::move(r.topics), r.create_missing, ctx.memory);
  protocol::MetadataResponse response;
  response.node_id = config.node_id;
  response.host = config.host;
  response.port = ctx.port;
  response.is_leader = !ctx.ops.following();
  if (response.is_leader) {
    response.leader_address = config.host + ":" + std::to_string(ctx.port);
  } else if (!config.replication.leader_host.empty()) {
    response.leader_address =
        config.replication.leader_host + ":" + std::to_string(config.replication.leader_port);
  }
  uint64_t partitions = 0;
  uint64_t replicas = 0;
  for (const auto& t : topics) {
    partitions += t.partitions.size();
    for (const auto& p : t.partitions) replicas += p.replicas.size();
  }
  ctx.memory.add(partitions * kBytesPerPartition + replicas * sizeof(protocol::ReplicaMetadata));
  response.topics.reserve(topics.size());
  for (auto& t : topics) {
    auto& out = response.topics.emplace_back();
    out.name = std::move(t.name);
    out.error = t.error;
    if (t.config) out.settings = settings_of(*t.config);
    out.partitions.reserve(t.partitions.size());
    for (auto& p : t.partitions) {
      auto& op = out.partitions.emplace_back(protocol::PartitionMetadata{
          p.partition, p.error, std::move(p.message), config.node_id, p.log_start_offset,
          p.high_watermark, static_cast<int64_t>(p.size_bytes), p.leader_epoch, p.log_end_offset});
      for (const auto& r : p.replicas) {
        op.replicas.push_back({r.replica_id, r.fetched_offset, r.in_sync, r.caught_up_ms_ago});
      }
    }
  }
  co_return response;
}

}  // namespace cairn::broker
