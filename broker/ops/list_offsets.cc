// ListOffsets: the earliest or latest offset of partitions, or the first offset at or after a
// timestamp, each answered by the partition's shard.
#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

OffsetAnswer find_offset(Shard& shard, const OffsetQuery& query) {
  OffsetAnswer out;
  auto partition = shard.find_online(query.topic, query.partition);
  if (!partition) {
    out.error = to_error_code(partition.error(), ErrorSubject::kPartition);
    return out;
  }
  const storage::PartitionLog& log = *(*partition)->log();
  switch (query.position) {
    case OffsetQuery::Position::kLatest: out.offset = (*partition)->high_watermark().value(); break;
    case OffsetQuery::Position::kEarliest: out.offset = log.log_start_offset().value(); break;
    case OffsetQuery::Position::kAtTimestamp: {
      auto found = log.offset_for_timestamp(query.timestamp);
      if (!found) {
        out.error = to_error_code(found.error());
      } else {
        out.offset = found->has_value() ? (*found)->value() : -1;
      }
      break;
    }
  }
  return out;
}

}  // namespace

awaitable<std::vector<OffsetAnswer>> Operations::list_offsets(
    std::span<const OffsetQuery> queries) {
  std::vector<OffsetAnswer> out(queries.size());
  PartitionRouter router(services_.shards());
  for (size_t i = 0; i < queries.size(); ++i) {
    if (!is_valid_topic_name(queries[i].topic) || is_hidden_topic(queries[i].topic)) {
      out[i].error = ErrorCode::kInvalidTopicName;
    } else {
      router.add(i, queries[i].topic, queries[i].partition);
    }
  }
  auto find = [queries](Shard& shard, size_t i) { return find_offset(shard, queries[i]); };
  co_await router.for_each(out, find);
  co_return out;
}

}  // namespace cairn::broker
