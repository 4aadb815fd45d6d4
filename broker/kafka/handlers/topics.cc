// CreateTopics and DeleteTopics, one topic at a time in request order. A new topic takes the
// broker's defaults for everything but its partition count; Kafka settings in the request are
// refused (INVALID_CONFIG) rather than ignored, and a replication factor other than 1 or -1 is
// INVALID_REPLICATION_FACTOR (one broker). validate_only checks without creating.
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

}  // namespace cairn::broker::kafka
