#include "broker/metrics/metric.h"

#include <algorithm>
#include <cmath>

namespace cairn::broker::metrics {

uint64_t Counter::value() const {
  if (!series_) return 0;
  uint64_t total = 0;
  for (unsigned shard = 0; shard < series_->shard_count(); ++shard) total += series_->load(shard, 0);
  return total;
}

double Gauge::value() const {
  if (!series_) return 0;
  double total = 0;
  for (unsigned shard = 0; shard < series_->shard_count(); ++shard) {
    total += series_->load_double(shard, 0);
  }
  return total;
}

void Histogram::observe(unsigned shard, double value) const {
  if (!series_ || std::isnan(value)) return;
  auto bounds = series_->descriptor().buckets;
  // The first bucket whose upper bound is at or above the value (le); past the last, +Inf.
  size_t bucket = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), value) -
                                      bounds.begin());
  series_->add(shard, bucket, 1);
  size_t sum_index = bounds.size() + 1;
  series_->store_double(shard, sum_index, series_->load_double(shard, sum_index) + value);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  if (!series_) return s;
  size_t buckets = series_->descriptor().buckets.size() + 1;
  s.bucket_counts.assign(buckets, 0);
  for (unsigned shard = 0; shard < series_->shard_count(); ++shard) {
    for (size_t b = 0; b < buckets; ++b) s.bucket_counts[b] += series_->load(shard, b);
    s.sum += series_->load_double(shard, buckets);
  }
  for (uint64_t c : s.bucket_counts) s.count += c;
  return s;
}

}  // namespace cairn::broker::metrics
