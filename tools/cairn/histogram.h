#pragma once

// Histogram: latency counts with bounded memory and a fixed relative precision, after
// HdrHistogram. Values (microseconds) from 1 up to about 2^40 fall into buckets of width
// 2^(k - 10) within each power-of-two range [2^k, 2^(k+1)), so any recorded value is reported
// within 0.1% of itself; 41 ranges of 1,024 counters, about 330 KiB. Not thread-safe: give each
// thread its own and merge().

#include <cstdint>
#include <string>
#include <vector>

namespace cairn::tools {

class Histogram {
 public:
  Histogram();

  void record(int64_t value, int64_t count = 1);
  void merge(const Histogram& other);

  int64_t count() const { return total_; }
  int64_t min() const { return total_ ? min_ : 0; }
  int64_t max() const { return max_; }
  double mean() const { return total_ ? static_cast<double>(sum_) / static_cast<double>(total_) : 0; }
  // The value at percentile `p` (0 to 100): the smallest recorded value such that at least p%
  // of the records are at or below it (reported at its bucket's upper end, capped at max()).
  int64_t percentile(double p) const;
  // "value percentile count" lines for every non-empty bucket, for plotting.
  std::string distribution() const;

 private:
  static constexpr int kSubBits = 10;
  static constexpr int kRanges = 41;
  static size_t index_of(int64_t value);
  static int64_t upper_of(size_t index);

  std::vector<int64_t> counts_;
  int64_t total_ = 0;
  int64_t sum_ = 0;
  int64_t min_ = INT64_MAX;
  int64_t max_ = 0;
};

}  // namespace cairn::tools
