// InitProducerId: a new producer id (epoch 0) for an idempotent producer; with a transactional
// id, the transaction coordinator's id and epoch for it.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

awaitable<Reply<protocol::InitProducerIdResponse>> handle(RequestContext& ctx,
                                                          protocol::InitProducerIdRequest r) {
  if (r.transactional_id.empty()) {
    auto id = co_await ctx.ops.init_producer_id("");
    co_return protocol::InitProducerIdResponse{id.error, id.producer_id, id.producer_epoch};
  }
  TxnInit init{std::move(r.transactional_id), std::chrono::milliseconds(r.transaction_timeout_ms),
               r.producer_id, r.producer_epoch};
  auto id = co_await ctx.ops.init_transactional_producer_id(std::move(init));
  co_return protocol::InitProducerIdResponse{id.error, id.producer_id, id.producer_epoch};
}

}  // namespace cairn::broker
