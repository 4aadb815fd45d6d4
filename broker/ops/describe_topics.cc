// Describing topics: the settings from the topic registry, each partition's offsets and size
// from the shard that owns it.
#include "broker/error_mapping.h"
#include "broker/memory_budget.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// A partition of a described topic: its topic's index and its number.
struct DescribedPartition {
  size_t topic;
  int32_t partition;
};

PartitionState partition_state(Shard& shard, const std::string& topic, int32_t id, bool leading) {
  PartitionState out;
  out.partition = id;
  auto partition = shard.find_online(topic, id);
  if (!partition) {
    out.error = to_error_code(partition.error(), ErrorSubject::kPartition);
    // The topic exists: a partition it does not have yet is still being opened.
    out.message = out.error == ErrorCode::kUnknownTopicOrPartition ? "not open yet"
                                                                   : partition.error().message();
    return out;
  }
  const storage::PartitionLog& log = *(*partition)->log();
  out.log_start_offset = log.log_start_offset().value();
  out.high_watermark = (*partition)->high_watermark().value();
  out.size_bytes = log.size_bytes();
  out.segments = log.segment_count();
  out.leader_epoch = log.leader_epoch();
  out.log_end_offset = log.high_watermark().value();
  if (leading) {
    const ReplicaState& replica = (*partition)->replica();
    auto now = ReplicaState::Clock::now();
    for (const auto& f : replica.followers()) {
      int64_t ago = -1;
      if (f.caught_up_at != ReplicaState::Clock::time_point{}) {
        ago = std::chrono::duration_cast<std::chrono::milliseconds>(now - f.caught_up_at).count();
      }
      out.replicas.push_back({f.replica_id, f.fetched.value(), replica.in_sync(f, now), ago});
    }
  }
  if (!log.write_status().is_ok()) {
    out.error = to_error_code(log.write_status(), ErrorSubject::kPartitionWrites);
    out.message = log.write_status().message();
  }
  return out;
}

}  // namespace

awaitable<std::vector<TopicDescription>> Operations::describe_topics(
    std::optional<std::vector<std::string>> names, bool create_missing, MemoryCharge& memory) {
  std::vector<TopicDescription> out;
  if (names) {
    out.reserve(names->size());
    for (auto& name : *names) {
      auto& t = out.emplace_back();
      t.name = std::move(name);
      if (!is_valid_topic_name(t.name) || is_hidden_topic(t.name)) {
        t.error = ErrorCode::kInvalidTopicName;
        continue;
      }
      if (create_missing) co_await ensure_topic(services_, t.name);
      t.config = services_.topics().find(t.name);
      if (!t.config) t.error = ErrorCode::kUnknownTopicOrPartition;
    }
  } else {
    for (auto& [name, config] : services_.topics().snapshot()) {
      if (is_internal_topic(name)) continue;
      out.push_back({name, ErrorCode::kNone, config, {}});
    }
  }

  std::vector<DescribedPartition> partitions;
  for (size_t t = 0; t < out.size(); ++t) {
    if (!out[t].config) continue;
    for (int32_t p = 0; p < out[t].config->partitions; ++p) partitions.push_back({t, p});
  }
  memory.add(partitions.size() * kDescribeBytesPerPartition);
  std::vector<PartitionState> states(partitions.size());
  PartitionRouter router(services_.shards());
  for (size_t i = 0; i < partitions.size(); ++i) {
    router.add(i, out[partitions[i].topic].name, partitions[i].partition);
  }
  bool leading = !services_.following();
  co_await router.for_each(states, [&out, &partitions, leading](Shard& shard, size_t i) {
    return partition_state(shard, out[partitions[i].topic].name, partitions[i].partition, leading);
  });
  for (size_t i = 0; i < partitions.size(); ++i) {
    out[partitions[i].topic].partitions.push_back(std::move(states[i]));
  }
  co_return out;
}

}  // namespace cairn::broker
