#pragma once

// The storage behind one series (a metric with one set of label values): one block of atomic
// words per shard, each block on cache lines of its own, so shards never write the same line.
//
// Each shard's words are written only by that shard's thread (plain relaxed load and store, no
// read-modify-write, no lock) and read by the scraper's thread with relaxed loads. A series is
// shared by the registry and the handles (metric.h) that update it: removing it from the
// registry only stops its export, and it lives until the last handle goes.

#include <atomic>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "broker/metrics/descriptor.h"

namespace cairn::broker::metrics::detail {

inline constexpr size_t kCacheLineBytes = 64;

struct alignas(kCacheLineBytes) CacheLine {
  std::atomic<uint64_t> words[kCacheLineBytes / sizeof(uint64_t)];
};

class Series {
 public:
  // Counter and gauge: one word per shard. Histogram: one count per bucket, one for +Inf, then
  // the sum of observed values (a double's bits).
  Series(const Descriptor& descriptor, std::vector<std::string> label_values,
         unsigned shard_count);

  const Descriptor& descriptor() const { return *descriptor_; }
  const std::vector<std::string>& label_values() const { return label_values_; }
  unsigned shard_count() const { return shard_count_; }
  size_t words_per_shard() const { return words_per_shard_; }

  std::atomic<uint64_t>& word(unsigned shard, size_t index) {
    assert(shard < shard_count_ && index < words_per_shard_);
    size_t line = shard * lines_per_shard_ + index / kWordsPerLine;
    return lines_[line].words[index % kWordsPerLine];
  }
  const std::atomic<uint64_t>& word(unsigned shard, size_t index) const {
    return const_cast<Series*>(this)->word(shard, index);
  }

  // Single-writer updates: only the owning shard's thread calls these for its shard.
  void add(unsigned shard, size_t index, uint64_t n) {
    auto& w = word(shard, index);
    w.store(w.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void store_double(unsigned shard, size_t index, double v) {
    word(shard, index).store(std::bit_cast<uint64_t>(v), std::memory_order_relaxed);
  }
  double load_double(unsigned shard, size_t index) const {
    return std::bit_cast<double>(word(shard, index).load(std::memory_order_relaxed));
  }
  uint64_t load(unsigned shard, size_t index) const {
    return word(shard, index).load(std::memory_order_relaxed);
  }

 private:
  static constexpr size_t kWordsPerLine = kCacheLineBytes / sizeof(uint64_t);

  const Descriptor* descriptor_;
  std::vector<std::string> label_values_;
  unsigned shard_count_;
  size_t words_per_shard_;
  size_t lines_per_shard_;
  std::unique_ptr<CacheLine[]> lines_;
};

}  // namespace cairn::broker::metrics::detail
