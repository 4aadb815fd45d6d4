// CreateTopics, DeleteTopics and CreatePartitions, one topic at a time in request order. A new
// topic takes the broker's defaults for everything but its partition count; Kafka settings in
// the request are refused (INVALID_CONFIG) rather than ignored, and a replication factor other
// than 1 or -1 is INVALID_REPLICATION_FACTOR (one broker). validate_only checks without creating.
// CreatePartitions grows a topic to its new count through the same operation as `cairn topics
// alter --set partitions=N`; replica assignments are refused.
#include <set>

#include "broker/error_mapping.h"
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

namespace {

constexpr int32_t kDefault = -1;

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
  if (!t.configs.empty()) {
    return fail(pk::ErrorCode::kInvalidConfig,
                "setting '" + t.configs[0].name +
                    "' is not taken over the Kafka protocol (cairn topics create sets a topic's "
                    "settings)");
  }
  storage::TopicConfig config = ctx.ops.config().topic_defaults;
  if (t.num_partitions != kDefault) {
    if (Status s = check_partition_count(t.num_partitions); !s.is_ok()) {
      return fail(pk::ErrorCode::kInvalidPartitions, s.message());
    }
    config.partitions = t.num_partitions;
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

}  // namespace cairn::broker::kafka
