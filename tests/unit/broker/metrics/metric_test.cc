#include "broker/metrics/metric.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <thread>
#include <vector>

#include "broker/metrics/catalogue.h"
#include "broker/metrics/registry.h"
#include "tests/unit/broker/metrics/allocation_counter.h"

namespace cairn::broker::metrics {
namespace {

Registry make_registry(unsigned shards) {
  return Registry(Registry::Options{.shard_count = shards});
}

TEST(CounterTest, TheValueIsTheSumOfEveryShardsIncrements) {
  Registry registry({.shard_count = 3});
  Counter c = registry.counter(catalogue::kRecordsIn, {"orders"});
  c.inc(0, 5);
  c.inc(1);
  c.inc(2, 10);
  c.inc(2, 10);
  EXPECT_EQ(c.value(), 26u);
}

TEST(CounterTest, ShardsCountingOnTheirOwnThreadsLoseNothing) {
  constexpr unsigned kShards = 4;
  constexpr uint64_t kPerShard = 200'000;
  Registry registry({.shard_count = kShards});
  Counter c = registry.counter(catalogue::kRequests, {"produce"});
  std::vector<std::thread> threads;
  for (unsigned shard = 0; shard < kShards; ++shard) {
    threads.emplace_back([c, shard] {
      for (uint64_t i = 0; i < kPerShard; ++i) c.inc(shard);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.value(), kShards * kPerShard);
}

TEST(CounterTest, ADefaultHandleIgnoresUpdates) {
  Counter c;
  c.inc(0, 7);
  EXPECT_EQ(c.value(), 0u);
  Gauge g;
  g.set(0, 3);
  EXPECT_EQ(g.value(), 0);
  Histogram h;
  h.observe(0, 1.0);
  EXPECT_EQ(h.snapshot().count, 0u);
}

TEST(GaugeTest, EachShardSetsItsOwnPartAndTheValueIsTheirSum) {
  Registry registry({.shard_count = 2});
  Gauge connections = registry.gauge(catalogue::kConnections);
  connections.add(0, 3);
  connections.add(1, 2);
  connections.add(0, -1);
  EXPECT_EQ(connections.value(), 4);
  connections.set(1, 10);
  EXPECT_EQ(connections.value(), 12);
}

TEST(GaugeTest, AValueOwnedByOneShardIsReportedAsSet) {
  Registry registry({.shard_count = 4});
  Gauge end = registry.gauge(catalogue::kLogEndOffset, {"orders", "3"});
  end.set(2, 1234);
  end.set(2, 1500);
  EXPECT_EQ(end.value(), 1500);
}

TEST(HistogramTest, AnObservationCountsInTheFirstBucketWhoseBoundIsAtOrAboveIt) {
  Registry registry({.shard_count = 1});
  Histogram h = registry.histogram(catalogue::kGroupCommitBatch);  // bounds 1, 2, 4, ... 1024
  h.observe(0, 1);     // le=1
  h.observe(0, 2);     // le=2
  h.observe(0, 3);     // le=4
  h.observe(0, 4);     // le=4
  h.observe(0, 5000);  // +Inf
  auto s = h.snapshot();
  ASSERT_EQ(s.bucket_counts.size(), std::size(catalogue::kBatchBuckets) + 1);
  EXPECT_EQ(s.bucket_counts[0], 1u);
  EXPECT_EQ(s.bucket_counts[1], 1u);
  EXPECT_EQ(s.bucket_counts[2], 2u);
  EXPECT_EQ(s.bucket_counts.back(), 1u);
  EXPECT_EQ(s.count, 5u);
  EXPECT_DOUBLE_EQ(s.sum, 5010);
}

TEST(HistogramTest, ANaNIsIgnored) {
  Registry registry({.shard_count = 1});
  Histogram h = registry.histogram(catalogue::kFsyncDuration);
  h.observe(0, std::nan(""));
  EXPECT_EQ(h.snapshot().count, 0u);
  EXPECT_EQ(h.snapshot().sum, 0);
}

TEST(HistogramTest, DurationsAreObservedInSeconds) {
  Registry registry({.shard_count = 2});
  Histogram h = registry.histogram(catalogue::kFsyncDuration);
  h.observe(0, std::chrono::microseconds(300));  // le=0.0005
  h.observe(1, std::chrono::milliseconds(2));    // le=0.0025
  auto s = h.snapshot();
  EXPECT_EQ(s.bucket_counts[3], 1u);  // 0.00005, 0.0001, 0.00025, [0.0005]
  EXPECT_EQ(s.bucket_counts[5], 1u);  // 0.001, [0.0025]
  EXPECT_NEAR(s.sum, 0.0023, 1e-12);
}

TEST(SeriesTest, EachShardsWordsSitOnCacheLinesOfTheirOwn) {
  detail::Series series(catalogue::kRequestDuration, {"fetch"}, 3);
  for (unsigned a = 0; a < 3; ++a) {
    for (unsigned b = a + 1; b < 3; ++b) {
      for (size_t i = 0; i < series.words_per_shard(); ++i) {
        for (size_t j = 0; j < series.words_per_shard(); ++j) {
          auto line_a = reinterpret_cast<uintptr_t>(&series.word(a, i)) / detail::kCacheLineBytes;
          auto line_b = reinterpret_cast<uintptr_t>(&series.word(b, j)) / detail::kCacheLineBytes;
          EXPECT_NE(line_a, line_b);
        }
      }
    }
  }
}

TEST(SeriesTest, UpdatesAllocateNothing) {
  Registry registry = make_registry(2);
  Counter c = registry.counter(catalogue::kRecordsIn, {"orders"});
  Gauge g = registry.gauge(catalogue::kLogEndOffset, {"orders", "0"});
  Histogram h = registry.histogram(catalogue::kRequestDuration, {"produce"});
  uint64_t before = testing::allocations();
  for (int i = 0; i < 1000; ++i) {
    c.inc(i % 2);
    g.set(1, i);
    h.observe(i % 2, 0.001 * i);
  }
  EXPECT_EQ(testing::allocations(), before);
  EXPECT_EQ(h.snapshot().count, 1000u);
}

}  // namespace
}  // namespace cairn::broker::metrics
