// CreateTopics and DeleteTopics: each topic is created or deleted in request order. Names and
// settings are checked here first, so a malformed one costs no trip to shard 0.
#include "broker/cairn/handlers.h"
#include "broker/error_mapping.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// CreateTopics settings: -1 asks for the broker's default; for retention, -2 asks for none.
constexpr int64_t kDefaultSetting = -1;
constexpr int64_t kNoLimit = -2;

// A CreateTopics entry with the broker's defaults filled in, validated. Errors name the field:
// kInvalidArgument (a setting out of range; PROTOCOL.md, "CreateTopics").
Result<storage::TopicConfig> resolve_topic_config(const protocol::NewTopic& request,
                                                  const storage::TopicConfig& defaults) {
  storage::TopicConfig c = defaults;
  if (request.partitions != kDefaultSetting) c.partitions = request.partitions;
  const auto& s = request.settings;
  auto out_of_range = [](std::string_view field, int64_t value) {
    return Status::invalid_argument(std::string(field) + " " + std::to_string(value) +
                                    " is out of range");
  };
  if (s.segment_bytes != kDefaultSetting) {
    if (s.segment_bytes < 0) return out_of_range("segment bytes", s.segment_bytes);
    c.segment_bytes = static_cast<uint64_t>(s.segment_bytes);
  }
  if (s.segment_ms != kDefaultSetting) {
    if (s.segment_ms <= 0) return out_of_range("segment ms", s.segment_ms);
    c.segment_age = std::chrono::milliseconds(s.segment_ms);
  }
  if (s.retention_bytes == kNoLimit) {
    c.retention_bytes.reset();
  } else if (s.retention_bytes != kDefaultSetting) {
    if (s.retention_bytes < 0) return out_of_range("retention bytes", s.retention_bytes);
    c.retention_bytes = static_cast<uint64_t>(s.retention_bytes);
  }
  if (s.retention_ms == kNoLimit) {
    c.retention_age.reset();
  } else if (s.retention_ms != kDefaultSetting) {
    if (s.retention_ms <= 0) return out_of_range("retention ms", s.retention_ms);
    c.retention_age = std::chrono::milliseconds(s.retention_ms);
  }
  if (!s.durability.empty()) {
    auto d = storage::DurabilityPolicy::parse(s.durability);
    if (!d) return d.error();
    c.durability = *d;
  }
  CAIRN_RETURN_IF_ERROR(c.validate());
  return c;
}

// The topic's outcome before any work: a malformed name, a partition count out of range
// (INVALID_PARTITIONS) or a setting out of range (INVALID_CONFIG); else its settings.
Result<storage::TopicConfig> check_new_topic(const protocol::NewTopic& t,
                                             const storage::TopicConfig& defaults,
                                             protocol::TopicResult& result) {
  if (!is_valid_topic_name(t.name)) {
    result.error = ErrorCode::kInvalidTopicName;
    result.message = std::string(kTopicNameRule);
    return Status::invalid_argument(result.message);
  }
  if (t.partitions != kDefaultSetting) {
    if (Status s = check_partition_count(t.partitions); !s.is_ok()) {
      result.error = to_error_code(s, ErrorSubject::kPartitionCount);
      result.message = "partitions must be -1 (the broker's default) or between 1 and " +
                       std::to_string(storage::kMaxPartitions);
      return s;
    }
  }
  auto config = resolve_topic_config(t, defaults);
  if (!config) {
    result.error = to_error_code(config.error(), ErrorSubject::kTopic);
    result.message = config.error().message();
  }
  return config;
}

// Memory per topic entry (the request as decoded, the result and the response).
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::NewTopic) + 2 * sizeof(protocol::TopicResult) + 64;

}  // namespace

awaitable<Reply<protocol::CreateTopicsResponse>> handle(RequestContext& ctx,
                                                        protocol::CreateTopicsRequest r) {
  uint64_t work = 0;
  for (const auto& t : r.topics) work += kBytesPerTopic + 2 * t.name.size();
  ctx.memory.add(work);
  protocol::CreateTopicsResponse response;
  for (const auto& t : r.topics) {
    auto& result = response.results.emplace_back();
    result.name = t.name;
    auto config = check_new_topic(t, ctx.ops.config().topic_defaults, result);
    if (!config) continue;
    auto created = co_await ctx.ops.create_topic(t.name, std::move(*config));
    result.error = created.error;
    result.message = std::move(created.message);
  }
  co_return response;
}

awaitable<Reply<protocol::DeleteTopicsResponse>> handle(RequestContext& ctx,
                                                        protocol::DeleteTopicsRequest r) {
  uint64_t work = 0;
  for (const auto& name : r.names) work += kBytesPerTopic + 2 * name.size();
  ctx.memory.add(work);
  protocol::DeleteTopicsResponse response;
  for (const auto& name : r.names) {
    auto& result = response.results.emplace_back();
    result.name = name;
    if (!is_valid_topic_name(name)) {
      result.error = ErrorCode::kInvalidTopicName;
      result.message = std::string(kTopicNameRule);
      continue;
    }
    auto deleted = co_await ctx.ops.delete_topic(name);
    result.error = deleted.error;
    result.message = std::move(deleted.message);
  }
  co_return response;
}

}  // namespace cairn::broker
