#include "broker/broker_metrics.h"

#include "broker/metrics/catalogue.h"

namespace cairn::broker {

namespace catalogue = metrics::catalogue;

// Storage's flush observer for one shard: its updates name that shard.
class BrokerMetrics::ShardFlushObserver : public storage::FlushObserver {
 public:
  ShardFlushObserver(metrics::Registry& registry, unsigned shard)
      : shard_(shard),
        fsync_(registry.histogram(catalogue::kFsyncDuration)),
        durable_(registry.histogram(catalogue::kProduceDurableDuration)),
        batch_(registry.histogram(catalogue::kGroupCommitBatch)),
        append_errors_(registry.counter(catalogue::kStorageErrors, {"append"})),
        fsync_errors_(registry.counter(catalogue::kStorageErrors, {"fsync"})),
        roll_errors_(registry.counter(catalogue::kStorageErrors, {"roll"})) {}

  void on_group_synced(size_t appends, std::chrono::nanoseconds sync_duration) override {
    fsync_.observe(shard_, sync_duration);
    batch_.observe(shard_, static_cast<double>(appends));
  }
  void on_append_durable(std::chrono::nanoseconds latency) override {
    durable_.observe(shard_, latency);
  }
  void on_error(storage::StorageOperation operation) override {
    switch (operation) {
      case storage::StorageOperation::kAppend: return append_errors_.inc(shard_);
      case storage::StorageOperation::kFsync: return fsync_errors_.inc(shard_);
      case storage::StorageOperation::kRoll: return roll_errors_.inc(shard_);
    }
  }

 private:
  unsigned shard_;
  metrics::Histogram fsync_;
  metrics::Histogram durable_;
  metrics::Histogram batch_;
  metrics::Counter append_errors_;
  metrics::Counter fsync_errors_;
  metrics::Counter roll_errors_;
};

BrokerMetrics::BrokerMetrics(unsigned shard_count)
    : registry_(metrics::Registry::Options{.shard_count = shard_count}) {
  for (unsigned i = 0; i < shard_count; ++i) {
    observers_.push_back(std::make_unique<ShardFlushObserver>(registry_, i));
  }
  connections_accepted = registry_.counter(catalogue::kConnectionsAccepted);
  connections_rejected = registry_.counter(catalogue::kConnectionsRejected);
  connections_open = registry_.gauge(catalogue::kConnections);
  request_memory = registry_.gauge(catalogue::kRequestMemory);
  request_memory_budget = registry_.gauge(catalogue::kRequestMemoryBudget);
  recovery_duration = registry_.gauge(catalogue::kRecoveryDuration);
  registry_.set_collector(catalogue::kGroupLagRecords, metrics::group_lag_collector());
}

BrokerMetrics::~BrokerMetrics() = default;

storage::FlushObserver& BrokerMetrics::flush_observer(unsigned shard) { return *observers_[shard]; }

ApiMetrics BrokerMetrics::api(std::string_view api_name) {
  metrics::LabelValues labels{std::string(api_name)};
  return ApiMetrics{registry_.counter(catalogue::kRequests, labels),
                    registry_.counter(catalogue::kRequestErrors, labels),
                    registry_.histogram(catalogue::kRequestDuration, labels)};
}

std::shared_ptr<const TopicCounters> BrokerMetrics::topic_counters(const std::string& topic) {
  metrics::LabelValues labels{topic};
  return std::make_shared<const TopicCounters>(
      TopicCounters{registry_.counter(catalogue::kRecordsIn, labels),
                    registry_.counter(catalogue::kBytesIn, labels),
                    registry_.counter(catalogue::kRecordsOut, labels),
                    registry_.counter(catalogue::kBytesOut, labels)});
}

PartitionGauges BrokerMetrics::partition_gauges(const std::string& topic, int32_t partition) {
  metrics::LabelValues labels{topic, std::to_string(partition)};
  return PartitionGauges{registry_.gauge(catalogue::kLogStartOffset, labels),
                         registry_.gauge(catalogue::kLogEndOffset, labels),
                         registry_.gauge(catalogue::kHighWatermark, labels),
                         registry_.gauge(catalogue::kPartitionSize, labels),
                         registry_.gauge(catalogue::kPartitionSegments, labels),
                         registry_.gauge(catalogue::kPartitionOffline, labels)};
}

void BrokerMetrics::remove_topic(std::string_view topic) {
  registry_.remove_all(metrics::Label::kTopic, topic);
}

}  // namespace cairn::broker
