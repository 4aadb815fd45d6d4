// Produce: the request's partition entries, in order, go to the produce operation; its outcomes
// fill the response in the same order. With acks=0 nothing is answered.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

// Memory per partition entry and per topic (the request as decoded and the response), beyond
// what the operation builds.
constexpr uint64_t kBytesPerPartition =
    sizeof(protocol::ProducePartition) + sizeof(protocol::ProducePartitionResult);
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::ProduceTopic) + sizeof(protocol::ProduceTopicResult);

}  // namespace

awaitable<Reply<protocol::ProduceResponse>> handle(RequestContext& ctx,
                                                   protocol::ProduceRequest r) {
  auto entries = charge_and_flatten<ProduceEntry>(
      ctx, r.topics, kBytesPerTopic, kBytesPerPartition + kProduceBytesPerEntry,
      [](const auto& t, const auto& p) {
        return ProduceEntry{t.name, p.partition, p.records};
      });
  ProduceAcks acks{r.acks == -1, std::chrono::milliseconds(r.timeout_ms)};
  auto outcomes = co_await ctx.ops.produce(entries, ctx.body_owner, acks);
  if (r.acks == 0) co_return Reply<protocol::ProduceResponse>::none();
  protocol::ProduceResponse response;
  response.topics.reserve(r.topics.size());
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    out.partitions.reserve(t.partitions.size());
    for (const auto& p : t.partitions) {
      ProduceOutcome& o = outcomes[i++];
      out.partitions.push_back(
          {p.partition, o.error, o.base_offset, o.log_start_offset, std::move(o.message)});
    }
  }
  co_return response;
}

}  // namespace cairn::broker
