#pragma once

// The handles the broker updates on its hot path: Counter, Gauge and Histogram. A handle comes
// from the Registry (registry.h) and names one series; copying it is cheap and every copy updates
// the same series. Each update names the shard that makes it, and a shard's updates must come
// from that shard's thread: the value a scrape reports is the sum over shards. Updates take no
// lock and allocate nothing. A default-constructed handle is inert: its updates do nothing.

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "broker/metrics/series.h"

namespace cairn::broker::metrics {

class Counter {
 public:
  Counter() = default;

  // Adds `n` for `shard`.
  void inc(unsigned shard, uint64_t n = 1) const {
    if (series_) series_->add(shard, 0, n);
  }
  // The sum over shards.
  uint64_t value() const;

 private:
  friend class Registry;
  explicit Counter(std::shared_ptr<detail::Series> series) : series_(std::move(series)) {}
  std::shared_ptr<detail::Series> series_;
};

// A value that goes up and down. Each shard holds its own part and the exported value is their
// sum, so a value owned by one shard (a partition's offsets) is set there, and a value spread
// over shards (connections) is added to by each.
class Gauge {
 public:
  Gauge() = default;

  void set(unsigned shard, double value) const {
    if (series_) series_->store_double(shard, 0, value);
  }
  void add(unsigned shard, double delta) const {
    if (series_) series_->store_double(shard, 0, series_->load_double(shard, 0) + delta);
  }
  double value() const;

 private:
  friend class Registry;
  explicit Gauge(std::shared_ptr<detail::Series> series) : series_(std::move(series)) {}
  std::shared_ptr<detail::Series> series_;
};

// Counts observations into the descriptor's buckets (upper bounds, le) and keeps their sum.
class Histogram {
 public:
  Histogram() = default;

  // A NaN is ignored; a value above every bound counts in +Inf.
  void observe(unsigned shard, double value) const;
  void observe(unsigned shard, std::chrono::nanoseconds duration) const {
    observe(shard, std::chrono::duration<double>(duration).count());
  }

  struct Snapshot {
    std::vector<uint64_t> bucket_counts;  // per bucket, not cumulative; the last one is +Inf
    uint64_t count = 0;                   // the sum of bucket_counts
    double sum = 0;
  };
  Snapshot snapshot() const;

 private:
  friend class Registry;
  explicit Histogram(std::shared_ptr<detail::Series> series) : series_(std::move(series)) {}
  std::shared_ptr<detail::Series> series_;
};

}  // namespace cairn::broker::metrics
