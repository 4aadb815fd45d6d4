// InitProducerId: a new producer id (epoch 0) for an idempotent producer, from shard 0.
#include <spdlog/spdlog.h>

#include "broker/broker.h"
#include "broker/handlers/dispatch.h"
#include "broker/producer_ids.h"
#include "protocol/messages/init_producer_id.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// -1 when the id file could not be written (logged).
awaitable<int64_t> next_id(Broker& broker) {
  auto id = broker.producer_ids().next();
  if (!id) {
    spdlog::error("allocating a producer id: {}", id.error().to_string());
    co_return -1;
  }
  co_return *id;
}

}  // namespace

awaitable<HandlerResult> handle_init_producer_id(RequestContext& ctx) {
  auto request = protocol::InitProducerIdRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  protocol::InitProducerIdResponse r;
  if (!request->transactional_id.empty()) {
    // Transactions are not supported yet: an answer in the body, like any refusal of a
    // well-formed request.
    r.error = ErrorCode::kInvalidRequest;
    co_return respond(ctx, r);
  }
  auto id = co_await run_on(ctx.broker.shard(0).executor(), next_id(ctx.broker));
  if (id < 0) {
    r.error = ErrorCode::kStorageError;
  } else {
    r.producer_id = id;
    r.producer_epoch = 0;
  }
  co_return respond(ctx, r);
}

}  // namespace cairn::broker
