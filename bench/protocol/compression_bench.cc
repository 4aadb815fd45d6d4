// Sealing compressed batches, as the producer does per batch: JSON clickstream events (the data
// bench/compression.sh and `cairn perf produce --payload json-clickstream` use) filling a batch
// of state.range(0) bytes, compressed with each codec.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "protocol/compression.h"
#include "protocol/record_batch_builder.h"
#include "tools/cairn/perf/clickstream.h"

namespace cairn::protocol {
namespace {

void seal_events(benchmark::State& state, Compression codec) {
  const auto batch_bytes = static_cast<size_t>(state.range(0));
  auto events = tools::perf::ClickstreamGenerator(1).pool(4096);
  RecordBatchBuilder::Options options;
  options.compression = codec;
  size_t next = 0;
  int64_t records = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    RecordBatchBuilder builder;
    builder.set_options(options);
    size_t filled = 0;
    while (filled < batch_bytes) {
      const std::string& value = events[next++ % events.size()];
      builder.append(timestamp_from_millis(1'767'225'600'000), std::nullopt, as_bytes(value));
      filled += value.size();
      ++records;
    }
    bytes += static_cast<int64_t>(filled);
    auto batch = builder.seal();
    benchmark::DoNotOptimize(batch.data());
  }
  state.SetItemsProcessed(records);
  state.SetBytesProcessed(bytes);
}

void BM_SealJsonNone(benchmark::State& state) { seal_events(state, Compression::kNone); }
void BM_SealJsonZstd(benchmark::State& state) { seal_events(state, Compression::kZstd); }
void BM_SealJsonLz4(benchmark::State& state) { seal_events(state, Compression::kLz4); }
void BM_SealJsonSnappy(benchmark::State& state) { seal_events(state, Compression::kSnappy); }
BENCHMARK(BM_SealJsonNone)->Arg(16 << 10)->Arg(256 << 10);
BENCHMARK(BM_SealJsonZstd)->Arg(16 << 10)->Arg(256 << 10);
BENCHMARK(BM_SealJsonLz4)->Arg(16 << 10)->Arg(256 << 10);
BENCHMARK(BM_SealJsonSnappy)->Arg(16 << 10)->Arg(256 << 10);

}  // namespace
}  // namespace cairn::protocol
