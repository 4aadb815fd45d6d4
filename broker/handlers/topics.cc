// CreateTopics and DeleteTopics: each topic is created or deleted on shard 0 (topic_admin.h).
#include "broker/broker.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

using protocol::ErrorCode;

awaitable<HandlerResult> handle_create_topics(RequestContext& ctx) {
  auto request = protocol::CreateTopicsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  protocol::CreateTopicsResponse response;
  for (const auto& t : request->topics) {
    auto config = resolve_topic_config(t, ctx.broker.config().topic_defaults);
    if (!config) {
      bool partitions = t.partitions < 1 || t.partitions > storage::kMaxPartitions;
      response.results.push_back({t.name,
                                  partitions ? ErrorCode::kInvalidPartitions : ErrorCode::kInvalidConfig,
                                  config.error().message()});
      continue;
    }
    response.results.push_back(co_await create_topic(ctx.broker, t.name, *config));
  }
  co_return respond(ctx, response);
}

awaitable<HandlerResult> handle_delete_topics(RequestContext& ctx) {
  auto request = protocol::DeleteTopicsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  protocol::DeleteTopicsResponse response;
  for (const auto& name : request->names) {
    response.results.push_back(co_await delete_topic(ctx.broker, name));
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
