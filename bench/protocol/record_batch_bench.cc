// Record batch codec: building, parsing and walking batches, and the checksum they rely on.
#include <benchmark/benchmark.h>
#include <xxhash.h>

#include <string>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"

namespace cairn::protocol {
namespace {

constexpr int kRecordsPerBatch = 100;

std::vector<std::byte> sample_batch(size_t value_bytes) {
  std::string value(value_bytes, 'v');
  RecordBatchBuilder builder;
  for (int i = 0; i < kRecordsPerBatch; ++i) {
    builder.append(timestamp_from_millis(1'700'000'000'000 + i), std::nullopt, as_bytes(value));
  }
  return builder.seal();
}

// Builds and seals batches of 100 records with values of state.range(0) bytes.
void BM_BatchEncode(benchmark::State& state) {
  std::string value(static_cast<size_t>(state.range(0)), 'v');
  RecordBatchBuilder builder;
  for (auto _ : state) {
    for (int i = 0; i < kRecordsPerBatch; ++i) {
      builder.append(timestamp_from_millis(1'700'000'000'000 + i), std::nullopt, as_bytes(value));
    }
    auto batch = builder.seal();
    benchmark::DoNotOptimize(batch.data());
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * state.range(0));
}
BENCHMARK(BM_BatchEncode)->Arg(100)->Arg(1024);

// Reads every record of `view`, as a consumer does; the bytes of their values.
size_t walk(const RecordBatchView& view) {
  RecordReader reader(view);
  RecordView record;
  size_t bytes = 0;
  while (reader.next(record)) bytes += record.value->size();
  return bytes;
}

// Parses (both checksums) and walks every record, as a consumer does.
void BM_BatchDecode(benchmark::State& state) {
  auto batch = sample_batch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto view = RecordBatchView::parse(batch, Verify::kStored);
    benchmark::DoNotOptimize(walk(*view));
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.SetBytesProcessed(state.iterations() * kRecordsPerBatch * state.range(0));
}
BENCHMARK(BM_BatchDecode)->Arg(100)->Arg(1024);

// Walks every record of a batch parsed once: RecordReader::next alone, a consumer's per-record
// cost after the batch's checksum.
void BM_RecordWalk(benchmark::State& state) {
  auto batch = sample_batch(static_cast<size_t>(state.range(0)));
  auto view = RecordBatchView::parse(batch, Verify::kStored);
  for (auto _ : state) benchmark::DoNotOptimize(walk(*view));
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
}
BENCHMARK(BM_RecordWalk)->Arg(100)->Arg(1024);

// What the broker does to a produced batch before appending it: checksum and record walk.
void BM_BatchValidateOnProduce(benchmark::State& state) {
  auto batch = sample_batch(static_cast<size_t>(state.range(0)));
  for (auto _ : state) {
    auto view = RecordBatchView::parse(batch, Verify::kProduced);
    benchmark::DoNotOptimize(view->validate_records());
  }
  state.SetItemsProcessed(state.iterations() * kRecordsPerBatch);
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(batch.size()));
}
BENCHMARK(BM_BatchValidateOnProduce)->Arg(100)->Arg(1024);

// XXH3-64 over buffers of state.range(0) bytes.
void BM_Checksum(benchmark::State& state) {
  std::vector<std::byte> data(static_cast<size_t>(state.range(0)), std::byte{7});
  for (auto _ : state) benchmark::DoNotOptimize(XXH3_64bits(data.data(), data.size()));
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Checksum)->Arg(16 << 10)->Arg(1 << 20);

}  // namespace
}  // namespace cairn::protocol
