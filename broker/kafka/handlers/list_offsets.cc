// ListOffsets: Kafka's special timestamps -2 (earliest; -4, earliest local, is the same here)
// and -1 (latest), or the first offset whose record timestamp is at or after a time. -3 (the
// record with the largest timestamp) and other negative values are refused with
// INVALID_REQUEST. The answer's timestamp is -1 (Cairn's index does not return it).
// OffsetForLeaderEpoch: where a leader epoch ended in each partition (KIP-101/KIP-320), from the
// partition's leader epoch checkpoint. CurrentLeaderEpoch is not checked (Metadata gives -1, so
// clients send -1).
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "broker/ops/topic_admin.h"

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

awaitable<KafkaReply<pk::OffsetForLeaderEpochResponse>> handle(KafkaContext& ctx,
                                                               pk::OffsetForLeaderEpochRequest r) {
  uint64_t work = 0;
  for (const auto& t : r.topics) {
    work += sizeof(pk::OffsetForLeaderTopicResult) + 2 * t.topic.size() +
            (sizeof(pk::OffsetForLeaderEpochEndOffset) + kEpochQueryBytesPerEntry) *
                t.partitions.size();
  }
  ctx.memory.add(work);
  std::vector<EpochQuery> queries;
  for (const auto& t : r.topics) {
    if (!is_valid_topic_name(t.topic) || is_hidden_topic(t.topic)) continue;
    for (const auto& p : t.partitions) queries.push_back({t.topic, p.partition, p.leader_epoch});
  }
  auto answers = co_await ctx.ops.epoch_ends(queries);
  pk::OffsetForLeaderEpochResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.topic = t.topic;
    const bool named = is_valid_topic_name(t.topic) && !is_hidden_topic(t.topic);
    for (const auto& p : t.partitions) {
      auto& result = topic.partitions.emplace_back();
      result.partition = p.partition;
      if (!named) {
        result.error_code = pk::code_of(pk::ErrorCode::kUnknownTopicOrPartition);
        continue;
      }
      const EpochAnswer& a = answers[i++];
      result.error_code = kafka_code(a.error);
      result.leader_epoch = a.leader_epoch;
      result.end_offset = a.end_offset;
    }
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
