#pragma once

// The broker's side of its HTTP listener (http/server.h): readiness as the broker's startup and
// stop move it, and the /metrics route, which first asks every shard to set the gauges that are
// cheap to compute at scrape time (partition offsets, sizes and segments, request memory, group
// offsets and members), then renders the registry. No Asio here: the listener keeps it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

#include "broker/http/router.h"
#include "broker/http/standard_routes.h"

namespace cairn::broker {

class BrokerServices;

// What /readyz answers. Written by the broker's startup and stop, read on the listener's thread.
class ReadinessState {
 public:
  void begin_recovery(size_t partitions) { total_ = partitions; }
  void partition_recovered() { recovered_.fetch_add(1, std::memory_order_relaxed); }
  // The partitions recovery left offline, with their reasons ("orders-3: ..."); empty for none.
  void set_offline(std::string reasons);
  void set_serving() { serving_ = true; }
  void set_stopping() { stopping_ = true; }
  bool serving() const { return serving_.load() && !stopping_.load(); }
  http::Readiness probe() const;

 private:
  std::atomic<size_t> total_{0};
  std::atomic<size_t> recovered_{0};
  std::atomic<bool> serving_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::string offline_;  // guarded by mutex_
};

// /healthz, /readyz and /metrics for `services` (which, with `readiness`, must outlive the
// listener). `open_connections` is read on shard 0.
void add_broker_routes(http::Router& router, BrokerServices& services,
                       const ReadinessState& readiness, std::function<uint32_t()> open_connections);

}  // namespace cairn::broker
