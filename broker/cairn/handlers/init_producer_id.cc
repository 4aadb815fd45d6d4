// InitProducerId: a new producer id (epoch 0) for an idempotent producer.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

awaitable<Reply<protocol::InitProducerIdResponse>> handle(RequestContext& ctx,
                                                          protocol::InitProducerIdRequest r) {
  auto id = co_await ctx.ops.init_producer_id(std::move(r.transactional_id));
  co_return protocol::InitProducerIdResponse{id.error, id.producer_id, id.producer_epoch};
}

}  // namespace cairn::broker
