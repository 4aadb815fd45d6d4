// Promote and OffsetForLeaderEpoch: straight to the replication operations.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

constexpr uint64_t kBytesPerPartition =
    sizeof(protocol::EpochQueryPartition) + sizeof(protocol::EpochEndPartition);
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::EpochQueryTopic) + sizeof(protocol::EpochEndTopic);

}  // namespace

awaitable<Reply<protocol::PromoteResponse>> handle(RequestContext& ctx, protocol::PromoteRequest) {
  PromoteOutcome outcome = co_await ctx.ops.promote();
  protocol::PromoteResponse response;
  response.error = outcome.error;
  response.message = std::move(outcome.message);
  response.partitions = outcome.partitions;
  response.leader_epoch = outcome.leader_epoch;
  co_return response;
}

awaitable<Reply<protocol::OffsetForLeaderEpochResponse>> handle(
    RequestContext& ctx, protocol::OffsetForLeaderEpochRequest r) {
  auto queries = charge_and_flatten<EpochQuery>(
      ctx, r.topics, kBytesPerTopic, kBytesPerPartition + kEpochQueryBytesPerEntry,
      [](const auto& t, const auto& p) {
        return EpochQuery{t.name, p.partition, p.leader_epoch};
      });
  auto answers = co_await ctx.ops.epoch_ends(queries);
  protocol::OffsetForLeaderEpochResponse response;
  response.topics.reserve(r.topics.size());
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    for (const auto& p : t.partitions) {
      const EpochAnswer& a = answers[i++];
      out.partitions.push_back({p.partition, a.error, a.leader_epoch, a.end_offset});
    }
  }
  co_return response;
}

}  // namespace cairn::broker
