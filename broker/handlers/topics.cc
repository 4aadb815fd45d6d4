// CreateTopics and DeleteTopics: each topic is created or deleted on shard 0 (topic_admin.h).
// Names are checked here first, so a malformed one costs no trip to shard 0.
#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// Memory per topic entry (the request as decoded, the result and the response).
constexpr uint64_t kBytesPerTopic = sizeof(protocol::NewTopic) + 2 * sizeof(protocol::TopicResult) + 64;

}  // namespace

awaitable<HandlerResult> handle_create_topics(RequestContext& ctx) {
  auto request = protocol::CreateTopicsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  uint64_t work = 0;
  for (const auto& t : request->topics) work += kBytesPerTopic + 2 * t.name.size();
  ctx.memory.add(work);
  protocol::CreateTopicsResponse response;
  for (const auto& t : request->topics) {
    if (!is_valid_topic_name(t.name)) {
      response.results.push_back({t.name, ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)});
      continue;
    }
    bool default_partitions = t.partitions == -1;
    if (!default_partitions && (t.partitions < 1 || t.partitions > storage::kMaxPartitions)) {
      response.results.push_back({t.name, ErrorCode::kInvalidPartitions,
                                  "partitions must be -1 (the broker's default) or between 1 and " +
                                      std::to_string(storage::kMaxPartitions)});
      continue;
    }
    auto config = resolve_topic_config(t, ctx.broker.config().topic_defaults);
    if (!config) {
      response.results.push_back(
          {t.name, to_error_code(config.error(), ErrorSubject::kTopic), config.error().message()});
      continue;
    }
    response.results.push_back(co_await create_topic(ctx.broker, t.name, *config));
  }
  co_return respond(ctx, response);
}

awaitable<HandlerResult> handle_delete_topics(RequestContext& ctx) {
  auto request = protocol::DeleteTopicsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  uint64_t work = 0;
  for (const auto& name : request->names) work += kBytesPerTopic + 2 * name.size();
  ctx.memory.add(work);
  protocol::DeleteTopicsResponse response;
  for (const auto& name : request->names) {
    if (!is_valid_topic_name(name)) {
      response.results.push_back({name, ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)});
      continue;
    }
    response.results.push_back(co_await delete_topic(ctx.broker, name));
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
