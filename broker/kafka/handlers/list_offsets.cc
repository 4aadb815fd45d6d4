// ListOffsets: Kafka's special timestamps -2 (earliest; -4, earliest local, is the same here)
// and -1 (latest), or the first offset whose record timestamp is at or after a time. -3 (the
// record with the largest timestamp) and other negative values are refused with
// INVALID_REQUEST. The answer's timestamp is -1 (Cairn's index does not return it).
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

namespace {

constexpr int64_t kLatest = -1;
constexpr int64_t kEarliest = -2;
constexpr int64_t kEarliestLocal = -4;

constexpr uint64_t kBytesPerPartition =
    sizeof(pk::ListOffsetsPartition) + sizeof(pk::ListOffsetsPartitionResponse);
constexpr uint64_t kBytesPerTopic =
    sizeof(pk::ListOffsetsTopic) + sizeof(pk::ListOffsetsTopicResponse);

}  // namespace

awaitable<KafkaReply<pk::ListOffsetsResponse>> handle(KafkaContext& ctx, pk::ListOffsetsRequest r) {
  uint64_t work = 0;
  for (const auto& t : r.topics) {
    work += kBytesPerTopic + 2 * t.name.size() +
            (kBytesPerPartition + kListOffsetsBytesPerEntry + sizeof(size_t)) * t.partitions.size();
  }
  ctx.memory.add(work);
  std::vector<OffsetQuery> queries;
  std::vector<size_t> query_of;
  for (const auto& t : r.topics) {
    for (const auto& p : t.partitions) {
      OffsetQuery q{t.name, p.partition_index};
      bool valid = true;
      if (p.timestamp == kLatest) {
        q.position = OffsetQuery::Position::kLatest;
      } else if (p.timestamp == kEarliest || p.timestamp == kEarliestLocal) {
        q.position = OffsetQuery::Position::kEarliest;
      } else if (p.timestamp >= 0) {
        q.position = OffsetQuery::Position::kAtTimestamp;
        q.timestamp = timestamp_from_millis(p.timestamp);
      } else {
        valid = false;
      }
      query_of.push_back(valid ? queries.size() : SIZE_MAX);
      if (valid) queries.push_back(q);
    }
  }
  auto answers = co_await ctx.ops.list_offsets(queries);
  pk::ListOffsetsResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      auto& result = topic.partitions.emplace_back();
      result.partition_index = p.partition_index;
      if (query_of[i] == SIZE_MAX) {
        result.error_code = pk::code_of(pk::ErrorCode::kInvalidRequest);
      } else {
        const OffsetAnswer& a = answers[query_of[i]];
        result.error_code = kafka_code(a.error);
        result.offset = a.offset;
      }
      ++i;
    }
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
