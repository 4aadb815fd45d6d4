#include "broker/services.h"

#include <thread>

#include "broker/broker_metrics.h"
#include "broker/group/coordinator.h"
#include "broker/group/offset_log.h"
#include "broker/producer_ids.h"
#include "broker/txn/transaction_log_record.h"
#include "broker/txn_coordinator/coordinator.h"
#include "protocol/check.h"

namespace cairn::broker {

BrokerServices::BrokerServices(BrokerConfig config) : config_(std::move(config)) {
  if (config_.threads == 0) config_.threads = std::max(1u, std::thread::hardware_concurrency());
  metrics_ = std::make_unique<BrokerMetrics>(config_.threads);
}

BrokerServices::~BrokerServices() = default;

Shard& BrokerServices::shard_for(std::string_view topic, int32_t partition) {
  return *shards_[owner_shard(topic, partition, shard_count())];
}

storage::TopicStore& BrokerServices::topic_store() {
  CAIRN_DCHECK(shards_[0]->on_own_thread());
  return *store_;
}

AsyncMutex& BrokerServices::admin_mutex() {
  CAIRN_DCHECK(shards_[0]->on_own_thread());
  return *admin_mutex_;
}

ProducerIds& BrokerServices::producer_ids() {
  CAIRN_DCHECK(shards_[0]->on_own_thread());
  return *producer_ids_;
}

GroupCoordinator& BrokerServices::coordinator(unsigned i) {
  CAIRN_DCHECK(shards_[i]->on_own_thread());
  return *coordinators_[i];
}

Shard& BrokerServices::coordinator_shard(std::string_view group) {
  return shard_for(kOffsetsTopic, offsets_partition_for(group, offsets_partitions_));
}

TxnCoordinator& BrokerServices::txn_coordinator(unsigned i) {
  CAIRN_DCHECK(shards_[i]->on_own_thread());
  return *txn_coordinators_[i];
}

Shard& BrokerServices::txn_coordinator_shard(std::string_view transactional_id) {
  return shard_for(txn::kTransactionStateTopic,
                   txn::transaction_partition_for(transactional_id, transaction_state_partitions_));
}

}  // namespace cairn::broker
