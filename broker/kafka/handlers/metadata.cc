// Metadata and DescribeCluster: this broker as the only one (leader and only replica of every
// partition) at its advertised address, and the topics asked for (all of them when the list is
// null, or empty at v0). Topics have no ids (all zero).
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

awaitable<KafkaReply<pk::MetadataResponse>> handle(KafkaContext& ctx, pk::MetadataRequest r) {
  std::optional<std::vector<std::string>> names;
  bool all = !r.topics || (ctx.version() == 0 && r.topics->empty());
  if (!all) {
    names.emplace();
    names->reserve(r.topics->size());
    for (auto& t : *r.topics) names->push_back(t.name.value_or(""));
  }
  // A named topic that does not exist is created (with the broker's auto-create on) only when
  // the client allows it: librdkafka's producers do, its consumers do not. Before v4 the field
  // is not sent and keeps its default (allowed); the authorizer clears it for a principal that
  // may not create the topics.
  bool create_missing = r.allow_auto_topic_creation;
  auto topics = co_await ctx.ops.describe_topics(std::move(names), create_missing, ctx.memory);

  int32_t node = ctx.ops.config().node_id;
  pk::MetadataResponse out;
  out.brokers.push_back({node, std::string(ctx.advertised_host), ctx.advertised_port, {}});
  out.cluster_id = "cairn";
  out.controller_id = node;
  out.topics.reserve(topics.size());
  for (auto& t : topics) {
    auto& topic = out.topics.emplace_back();
    topic.error_code = kafka_code(t.error);
    topic.name = std::move(t.name);
    topic.partitions.reserve(t.partitions.size());
    for (const auto& p : t.partitions) {
      auto& part = topic.partitions.emplace_back();
      part.error_code = kafka_code(p.error);
      part.partition_index = p.partition;
      part.leader_id = node;
      part.leader_epoch = -1;  // unknown: clients then skip leader-epoch validation
      part.replica_nodes = {node};
      part.isr_nodes = {node};
    }
  }
  co_return out;
}

awaitable<KafkaReply<pk::DescribeClusterResponse>> handle(KafkaContext& ctx,
                                                          pk::DescribeClusterRequest r) {
  int32_t node = ctx.ops.config().node_id;
  pk::DescribeClusterResponse out;
  out.endpoint_type = r.endpoint_type;
  out.cluster_id = "cairn";
  out.controller_id = node;
  out.brokers.push_back({node, std::string(ctx.advertised_host), ctx.advertised_port, {}, false});
  co_return out;
}

}  // namespace cairn::broker::kafka
