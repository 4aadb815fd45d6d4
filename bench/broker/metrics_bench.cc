// The cost of the metrics' hot path (an update by a shard) and of a scrape.
#include <benchmark/benchmark.h>

#include <atomic>
#include <string>
#include <thread>

#include "broker/metrics/catalogue.h"
#include "broker/metrics/registry.h"
#include "broker/metrics/text_format.h"

namespace {

using namespace cairn::broker::metrics;

// One counter, each benchmark thread a shard of its own: no cache line is shared between them.
void BM_CounterIncrementPerShard(benchmark::State& state) {
  static Registry registry({.shard_count = 8});
  static Counter counter = registry.counter(catalogue::kRecordsIn, {"orders"});
  unsigned shard = static_cast<unsigned>(state.thread_index());
  for (auto _ : state) counter.inc(shard, 1);
  benchmark::DoNotOptimize(counter.value());
}
BENCHMARK(BM_CounterIncrementPerShard)->Threads(1)->Threads(2);

void BM_HistogramObserve(benchmark::State& state) {
  Registry registry({.shard_count = 1});
  Histogram h = registry.histogram(catalogue::kRequestDuration, {"produce"});
  double v = 0.0001;
  for (auto _ : state) {
    h.observe(0, v);
    v = v < 1 ? v * 1.7 : 0.0001;
  }
  benchmark::DoNotOptimize(h.snapshot().count);
}
BENCHMARK(BM_HistogramObserve);

// Updates while another thread scrapes the registry without pause.
void BM_CounterIncrementWhileScraped(benchmark::State& state) {
  Registry registry({.shard_count = 2});
  Counter counter = registry.counter(catalogue::kRecordsIn, {"orders"});
  std::atomic<bool> done{false};
  std::thread scraper([&] {
    while (!done.load(std::memory_order_relaxed)) benchmark::DoNotOptimize(to_text(registry));
  });
  for (auto _ : state) counter.inc(0, 1);
  done = true;
  scraper.join();
}
BENCHMARK(BM_CounterIncrementWhileScraped);

// A scrape of a broker with `range(0)` partitions (each with its six gauges, and per topic of ten
// partitions its counters and a group's offsets).
void BM_ScrapePartitions(benchmark::State& state) {
  Registry registry({.shard_count = 2});
  for (int64_t p = 0; p < state.range(0); ++p) {
    std::string topic = "topic-" + std::to_string(p / 10);
    std::string partition = std::to_string(p % 10);
    for (const Descriptor* d : {&catalogue::kLogStartOffset, &catalogue::kLogEndOffset,
                                &catalogue::kHighWatermark, &catalogue::kPartitionSize,
                                &catalogue::kPartitionSegments, &catalogue::kPartitionOffline}) {
      registry.gauge(*d, {topic, partition}).set(0, static_cast<double>(p));
    }
    registry.gauge(catalogue::kGroupCommittedOffset, {"g", topic, partition}).set(1, 1);
    registry.counter(catalogue::kRecordsIn, {topic}).inc(0, 1);
  }
  registry.set_collector(catalogue::kGroupLagRecords, group_lag_collector());
  size_t bytes = 0;
  for (auto _ : state) bytes = to_text(registry).size();
  state.counters["exposition_bytes"] = static_cast<double>(bytes);
}
BENCHMARK(BM_ScrapePartitions)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
