#pragma once

// BrokerMetrics: the broker's metrics registry (metrics/registry.h) and the handles its hot
// paths update, looked up once: per API for the front ends, per topic for the partitions, per
// shard for storage's flush observer, and the broker-wide connection, memory and recovery series.
//
// Owned by the broker for its whole life (it outlives the shards and the HTTP listener). Handles
// are updated by the shard that makes the update, on its thread (metric.h); registering takes the
// registry's mutex and happens when an API, topic or partition appears, never per request.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "broker/metrics/metric.h"
#include "broker/metrics/registry.h"
#include "storage/flush_observer.h"

namespace cairn::broker {

// One topic's throughput counters; every partition of the topic holds the same series.
struct TopicCounters {
  metrics::Counter records_in;
  metrics::Counter bytes_in;
  metrics::Counter records_out;
  metrics::Counter bytes_out;
};

// One API's request counters and latency.
struct ApiMetrics {
  metrics::Counter requests;
  metrics::Counter errors;
  metrics::Histogram duration;
};

// One partition's gauges, set by its owner shard when a scrape asks.
struct PartitionGauges {
  metrics::Gauge log_start_offset;
  metrics::Gauge log_end_offset;
  metrics::Gauge high_watermark;
  metrics::Gauge size_bytes;
  metrics::Gauge segments;
  metrics::Gauge offline;
};

class BrokerMetrics {
 public:
  explicit BrokerMetrics(unsigned shard_count);
  ~BrokerMetrics();
  BrokerMetrics(const BrokerMetrics&) = delete;
  BrokerMetrics& operator=(const BrokerMetrics&) = delete;

  metrics::Registry& registry() { return registry_; }
  unsigned shard_count() const { return registry_.shard_count(); }

  ApiMetrics api(std::string_view api_name);
  std::shared_ptr<const TopicCounters> topic_counters(const std::string& topic);
  PartitionGauges partition_gauges(const std::string& topic, int32_t partition);
  // Takes a deleted topic's series (throughput, partitions, group offsets) out of the exposition.
  void remove_topic(std::string_view topic);

  // The observer of storage's syncs for the partitions of shard `shard` (its thread only).
  storage::FlushObserver& flush_observer(unsigned shard);

  metrics::Counter connections_accepted;
  metrics::Counter connections_rejected;
  metrics::Gauge connections_open;
  metrics::Gauge request_memory;
  metrics::Gauge request_memory_budget;
  metrics::Gauge recovery_duration;

 private:
  class ShardFlushObserver;

  metrics::Registry registry_;
  std::vector<std::unique_ptr<ShardFlushObserver>> observers_;
};

}  // namespace cairn::broker
