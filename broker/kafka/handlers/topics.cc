// CreateTopics, DeleteTopics and CreatePartitions, one topic at a time in request order. A new
// topic takes the broker's defaults, its partition count and the Kafka settings of the request
// that Cairn has (topic_settings.h; message.timestamp.type=CreateTime is taken as what Cairn
// does); any other setting is refused (INVALID_CONFIG) rather than ignored, and a replication
// factor other than 1 or -1 is INVALID_REPLICATION_FACTOR (one broker). validate_only checks
// without creating. CreatePartitions grows a topic to its new count through the same operation as
// `cairn topics alter --set partitions=N`; replica assignments are refused. DeleteRecords moves
// partitions' log starts (offset -1: the high watermark), as `cairn topics delete-records`.
#include <set>

#include "broker/error_mapping.h"
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "broker/kafka/topic_settings.h"

namespace cairn::broker::kafka {

namespace {

constexpr int32_t kDefault = -1;
// Kafka's message.timestamp.type: Cairn keeps the producer's timestamps, which is CreateTime,
// the value Kafka Streams asks of its internal topics.
constexpr std::string_view kTimestampType = "message.timestamp.type";
constexpr std::string_view kCreateTime = "CreateTime";

// The topic's settings, or its error in `result`.
std::optional<storage::TopicConfig> check_new_topic(const KafkaContext& ctx,
                                                    const pk::CreatableTopic& t,
                                                    pk::CreatableTopicResult& result) {
  auto fail = [&](pk::ErrorCode code, std::string message) {
    result.error_code = pk::code_of(code);
    result.error_message = std::move(message);
    return std::nullopt;
  };
  if (!is_valid_topic_name(t.name)) {
    return fail(pk::ErrorCode::kInvalidTopicException, std::string(kTopicNameRule));
  }
  if (is_internal_topic(t.name)) {
    return fail(pk::ErrorCode::kInvalidTopicException, "names starting with __ are internal");
  }
  if (t.replication_factor != kDefault && t.replication_factor != 1) {
    return fail(pk::ErrorCode::kInvalidReplicationFactor,
                "this broker keeps one copy: replication factor must be 1 or -1");
  }
  if (!t.assignments.empty()) {
    return fail(pk::ErrorCode::kInvalidReplicaAssignment, "replica assignments are not taken");
  }
  storage::TopicConfig config = ctx.ops.config().topic_defaults;
  if (t.num_partitions != kDefault) {
    if (Status s = check_partition_count(t.num_partitions); !s.is_ok()) {
      return fail(pk::ErrorCode::kInvalidPartitions, s.message());
    }
    config.partitions = t.num_partitions;
  }
  for (const auto& c : t.configs) {
    if (!c.value) continue;  // the default
    const KafkaTopicSetting* setting = find_kafka_topic_setting(c.name);
    if (setting == nullptr) {
      if (c.name == kTimestampType && *c.value == kCreateTime) continue;  // what Cairn keeps
      return fail(pk::ErrorCode::kInvalidConfig,
                  "'" + c.name + "' is not a topic setting here (README: the Kafka listener)");
    }
    if (Status s = config.set(setting->cairn_key, to_cairn_value(*setting, *c.value)); !s.is_ok()) {
      return fail(pk::ErrorCode::kInvalidConfig, s.message());
    }
  }
  if (Status s = config.validate(); !s.is_ok()) {
    return fail(pk::ErrorCode::kInvalidConfig, s.message());
  }
  return config;
}

}  // namespace

awaitable<KafkaReply<pk::CreateTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::CreateTopicsRequest r) {
  ctx.memory.add(r.topics.size() * (sizeof(pk::CreatableTopicResult) + 64));
  pk::CreateTopicsResponse out;
  out.topics.reserve(r.topics.size());
  for (auto& t : r.topics) {
    auto& result = out.topics.emplace_back();
    result.name = t.name;
    auto config = check_new_topic(ctx, t, result);
    if (!config) continue;
    result.num_partitions = config->partitions;
    result.replication_factor = 1;
    if (r.validate_only) continue;
    auto outcome = co_await ctx.ops.create_topic(t.name, *config);
    result.error_code = kafka_code(outcome.error);
    if (outcome.error != protocol::ErrorCode::kNone) result.error_message = outcome.message;
  }
  co_return out;
}

awaitable<KafkaReply<pk::DeleteTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::DeleteTopicsRequest r) {
  std::vector<std::string> names = std::move(r.topic_names);
  for (auto& t : r.topics) names.push_back(t.name.value_or(""));
  ctx.memory.add(names.size() * (sizeof(pk::DeletableTopicResult) + 64));
  pk::DeleteTopicsResponse out;
  for (auto& name : names) {
    auto& result = out.responses.emplace_back();
    result.name = name;
    if (!is_valid_topic_name(name) || is_internal_topic(name)) {
      result.error_code =
          pk::code_of(is_internal_topic(name) ? pk::ErrorCode::kInvalidTopicException
                                              : pk::ErrorCode::kUnknownTopicOrPartition);
      continue;
    }
    auto outcome = co_await ctx.ops.delete_topic(name);
    result.error_code = kafka_code(outcome.error);
    if (outcome.error != protocol::ErrorCode::kNone) result.error_message = outcome.message;
  }
  co_return out;
}

awaitable<KafkaReply<pk::CreatePartitionsResponse>> handle(KafkaContext& ctx,
                                                           pk::CreatePartitionsRequest r) {
  ctx.memory.add(r.topics.size() * (sizeof(pk::CreatePartitionsTopicResult) + 64));
  pk::CreatePartitionsResponse out;
  std::set<std::string> seen;
  for (auto& t : r.topics) {
    auto& result = out.results.emplace_back();
    result.name = t.name;
    auto fail = [&result](int16_t code, std::string message) {
      result.error_code = code;
      result.error_message = std::move(message);
    };
    if (!seen.insert(t.name).second) {
      fail(pk::code_of(pk::ErrorCode::kInvalidRequest), "the topic is named twice in the request");
      continue;
    }
    if (t.assignments && !t.assignments->empty()) {
      fail(pk::code_of(pk::ErrorCode::kInvalidReplicaAssignment),
           "replica assignments are not taken");
      continue;
    }
    // (Named vectors: g++ 12 cannot take brace-initialised arguments in a co_await here.)
    std::vector<std::pair<std::string, std::string>> read_only;
    auto current = co_await ctx.ops.topic_config(t.name, std::move(read_only));
    if (current.error != protocol::ErrorCode::kNone) {
      fail(kafka_code(current.error), current.message);
      continue;
    }
    auto partitions = static_cast<int32_t>(current.partitions.size());
    if (t.count <= partitions) {
      fail(pk::code_of(pk::ErrorCode::kInvalidPartitions),
           "the topic has " + std::to_string(partitions) +
               " partitions; the new count must be more");
      continue;
    }
    if (Status s = check_partition_count(t.count); !s.is_ok()) {
      fail(pk::code_of(pk::ErrorCode::kInvalidPartitions), s.message());
      continue;
    }
    if (r.validate_only) continue;
    std::vector<std::pair<std::string, std::string>> grow = {
        {"partitions", std::to_string(t.count)}};
    auto grown = co_await ctx.ops.topic_config(t.name, std::move(grow));
    if (grown.error != protocol::ErrorCode::kNone) fail(kafka_code(grown.error), grown.message);
  }
  co_return out;
}

awaitable<KafkaReply<pk::DeleteRecordsResponse>> handle(KafkaContext& ctx,
                                                        pk::DeleteRecordsRequest r) {
  ctx.memory.add(
      topics_charge(r.topics, &pk::DeleteRecordsTopic::name, sizeof(pk::DeleteRecordsTopicResult),
                    sizeof(pk::DeleteRecordsPartitionResult) + kDeleteRecordsBytesPerEntry));
  std::vector<RecordsDeletion> deletions;
  for (const auto& t : r.topics) {
    for (const auto& p : t.partitions) deletions.push_back({t.name, p.partition_index, p.offset});
  }
  auto outcomes = co_await ctx.ops.delete_records(deletions);
  pk::DeleteRecordsResponse out;
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      const RecordsDeletionOutcome& o = outcomes[i++];
      auto& result = topic.partitions.emplace_back();
      result.partition_index = p.partition_index;
      result.low_watermark = o.log_start_offset;
      result.error_code = kafka_code(o.error);
    }
  }
  co_return out;
}

}  // namespace cairn::broker::kafka
