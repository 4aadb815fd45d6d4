// InitProducerId: a new producer id (epoch 0) for an idempotent producer, from the same source
// as Cairn's own producers; with a transactional id, the transaction coordinator's id and epoch
// for it (the one Cairn's listener uses: an id fences its older instances on either listener).
// A producer that gives its current id and epoch (KIP-360, after a sequence error) gets a new id,
// or, transactional, its epoch bumped. Versions before 4 get PRODUCER_FENCED as
// INVALID_PRODUCER_EPOCH, as Kafka answers them.
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

awaitable<KafkaReply<pk::InitProducerIdResponse>> handle(KafkaContext& ctx,
                                                         pk::InitProducerIdRequest r) {
  pk::InitProducerIdResponse out;
  ProducerIdOutcome id;
  if (r.transactional_id && !r.transactional_id->empty()) {
    TxnInit init{std::move(*r.transactional_id),
                 std::chrono::milliseconds(r.transaction_timeout_ms), r.producer_id,
                 r.producer_epoch};
    id = co_await ctx.ops.init_transactional_producer_id(std::move(init));
  } else {
    id = co_await ctx.ops.init_producer_id("");
  }
  out.error_code = kafka_txn_code(id.error, ctx.version() < 4);
  out.producer_id = id.producer_id;
  out.producer_epoch = id.producer_epoch;
  co_return out;
}

}  // namespace cairn::broker::kafka
