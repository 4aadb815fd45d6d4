// The producer's per-record cost in the client library: Producer::send's work on the caller's
// thread (RecordAccumulator::append of a 100 B record with a delivery callback), with the closed
// batches taken and resolved as the sender would, without a network. The batches taken are never
// reported sealed, so the sender counts as busy compressing and the appending thread compresses
// every batch it closes (with a codec): the largest share the caller can get.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "client/src/record_accumulator.h"
#include "client/src/record_clock.h"

namespace {

using cairn::client::ProducerConfig;
using cairn::client::RecordAccumulator;

void BM_AccumulatorAppend(benchmark::State& state) {
  ProducerConfig config;
  config.linger = std::chrono::hours(1);  // only full batches are taken
  RecordAccumulator acc(config);
  acc.set_codec(static_cast<cairn::protocol::Compression>(state.range(0)));
  cairn::client::ProducerRecord record;
  record.topic = "bench";
  record.value = std::string(100, 'x');
  int64_t acked = 0;
  for (auto _ : state) {
    cairn::client::Producer::Callback done =
        [&acked](const cairn::Result<cairn::client::RecordMetadata>&) { ++acked; };
    auto appended = acc.append(record, 1, done);
    if (appended && *appended == RecordAccumulator::Appended::kWakeSender) {
      auto next = cairn::client::SteadyTime::max();
      auto batches = acc.drain(
          std::chrono::steady_clock::now(), 5,
          [](const cairn::client::TopicPartition&) { return size_t{0}; }, next);
      for (auto& b : batches) {
        acc.release_memory(b->bytes);
        acc.resolved(b->callbacks.size());
      }
    }
  }
  benchmark::DoNotOptimize(acked);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AccumulatorAppend)
    ->Arg(static_cast<int>(cairn::protocol::Compression::kNone))
    ->Arg(static_cast<int>(cairn::protocol::Compression::kZstd))
    ->Arg(static_cast<int>(cairn::protocol::Compression::kLz4));

// A record's timestamp: the system clock, and the producer's RecordClock (which reads the TSC and
// the system clock about once per millisecond).
void BM_SystemNow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cairn::system_now());
}
BENCHMARK(BM_SystemNow);

void BM_RecordClock(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(cairn::client::RecordClock::now());
}
BENCHMARK(BM_RecordClock);

}  // namespace
