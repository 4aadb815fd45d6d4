// Operations: the broker's settings, and InitProducerId.
#include "broker/ops/operations.h"

#include <spdlog/spdlog.h>

#include "broker/error_mapping.h"
#include "broker/producer_ids.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// On shard 0, which owns the producer id file.
awaitable<ProducerIdOutcome> next_producer_id(BrokerServices& services) {
  ProducerIdOutcome out;
  Result<int64_t> id = services.producer_ids().next();
  if (!id) {
    spdlog::error("allocating a producer id: {}", id.error().to_string());
    out.error = to_error_code(id.error(), ErrorSubject::kProducerId);
    co_return out;
  }
  out.producer_id = *id;
  out.producer_epoch = 0;
  co_return out;
}

}  // namespace

const BrokerConfig& Operations::config() const { return services_.config(); }

bool Operations::following() const { return services_.following(); }

awaitable<ProducerIdOutcome> Operations::init_producer_id(std::string transactional_id) {
  if (!transactional_id.empty()) {
    TxnInit init{std::move(transactional_id), std::chrono::minutes(1)};
    co_return co_await init_transactional_producer_id(std::move(init));
  }
  co_return co_await run_on(services_.shard(0).executor(), next_producer_id(services_));
}

}  // namespace cairn::broker
