// ListOffsets: each partition entry's position (-1 latest, -2 earliest, else a timestamp) goes
// to the list-offsets operation; its answers fill the response in the same order.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

// Memory per partition entry and per topic (the request as decoded and the response), beyond
// what the operation builds.
constexpr uint64_t kBytesPerPartition =
    sizeof(protocol::ListOffsetsPartition) + sizeof(protocol::ListOffsetsPartitionResult);
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::ListOffsetsTopic) + sizeof(protocol::ListOffsetsTopicResult);

OffsetQuery query_of(std::string_view topic, const protocol::ListOffsetsPartition& p) {
  OffsetQuery q{topic, p.partition};
  if (p.timestamp == protocol::kLatestTimestamp) {
    q.position = OffsetQuery::Position::kLatest;
  } else if (p.timestamp == protocol::kEarliestTimestamp) {
    q.position = OffsetQuery::Position::kEarliest;
  } else {
    q.position = OffsetQuery::Position::kAtTimestamp;
    q.timestamp = timestamp_from_millis(p.timestamp);
  }
  return q;
}

}  // namespace

awaitable<Reply<protocol::ListOffsetsResponse>> handle(RequestContext& ctx,
                                                       protocol::ListOffsetsRequest r) {
  auto queries = charge_and_flatten<OffsetQuery>(
      ctx, r.topics, kBytesPerTopic, kBytesPerPartition + kListOffsetsBytesPerEntry,
      [](const auto& t, const auto& p) { return query_of(t.name, p); });
  auto answers = co_await ctx.ops.list_offsets(queries);
  protocol::ListOffsetsResponse response;
  response.topics.reserve(r.topics.size());
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    out.partitions.reserve(t.partitions.size());
    for (const auto& p : t.partitions) {
      const OffsetAnswer& a = answers[i++];
      out.partitions.push_back({p.partition, a.error, a.offset});
    }
  }
  co_return response;
}

}  // namespace cairn::broker
