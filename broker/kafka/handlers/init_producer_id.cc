// InitProducerId: a new producer id (epoch 0) for an idempotent producer, from the same source
// as Cairn's own producers. Transactional ids are refused (transactions are not served). A
// producer that gives its current id and epoch (KIP-360, after a sequence error) gets a new id.
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

awaitable<KafkaReply<pk::InitProducerIdResponse>> handle(KafkaContext& ctx,
                                                         pk::InitProducerIdRequest r) {
  pk::InitProducerIdResponse out;
  if (r.transactional_id && !r.transactional_id->empty()) {
    out.error_code = pk::code_of(pk::ErrorCode::kTransactionalIdAuthorizationFailed);
    co_return out;
  }
  auto id = co_await ctx.ops.init_producer_id("");
  out.error_code = kafka_code(id.error);
  out.producer_id = id.producer_id;
  out.producer_epoch = id.producer_epoch;
  co_return out;
}

}  // namespace cairn::broker::kafka
