// DeleteRecords: moving partitions' log starts forward, each on the partition's shard
// (storage/FORMAT.md, "Retention").
#include <spdlog/spdlog.h>

#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

RecordsDeletionOutcome refused(ErrorCode error, std::string message) {
  return {error, std::move(message), -1};
}

RecordsDeletionOutcome delete_on_shard(Shard& shard, const RecordsDeletion& d) {
  auto partition = shard.find_online(d.topic, d.partition);
  if (!partition) return refused(to_error_code(partition.error(), ErrorSubject::kPartition), "");
  // Only what consumers may read can be deleted: up to the high watermark.
  const Offset high_watermark = (*partition)->high_watermark();
  if (d.before < -1 || d.before > high_watermark.value()) {
    return refused(ErrorCode::kOffsetOutOfRange,
                   "offset " + std::to_string(d.before) + " is not in [0, " +
                       std::to_string(high_watermark.value()) + "] (the high watermark), or -1");
  }
  const Offset before = d.before == -1 ? high_watermark : Offset(d.before);
  auto start = (*partition)->log()->delete_records_before(before);
  if (!start) {
    spdlog::error("{}-{}: deleting records before {}: {}", d.topic, d.partition, before.value(),
                  start.error().to_string());
    return refused(to_error_code(start.error(), ErrorSubject::kPartition), start.error().message());
  }
  return {ErrorCode::kNone, "", start->value()};
}

}  // namespace

awaitable<std::vector<RecordsDeletionOutcome>> Operations::delete_records(
    std::span<const RecordsDeletion> deletions) {
  std::vector<RecordsDeletionOutcome> out(deletions.size());
  PartitionRouter router(services_.shards());
  for (size_t i = 0; i < deletions.size(); ++i) {
    const RecordsDeletion& d = deletions[i];
    if (services_.following()) {
      out[i] = refused(ErrorCode::kNotLeader, "a follower deletes what its leader deletes");
    } else if (!is_valid_topic_name(d.topic)) {
      out[i] = refused(ErrorCode::kInvalidTopicName, std::string(kTopicNameRule));
    } else if (is_internal_topic(d.topic)) {
      out[i] = refused(ErrorCode::kInvalidTopicName, "the broker's own topics keep their records");
    } else {
      router.add(i, d.topic, d.partition);
    }
  }
  auto work = [deletions](Shard& shard, size_t i) { return delete_on_shard(shard, deletions[i]); };
  co_await router.for_each(out, work);
  co_return out;
}

}  // namespace cairn::broker
