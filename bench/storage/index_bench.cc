// Sparse offset index lookups: one binary search over the entries of a full 1 GiB segment.
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "storage/offset_index.h"

namespace cairn::storage {
namespace {

void BM_OffsetIndexFloor(benchmark::State& state) {
  OffsetIndex index(Offset(0));
  const int64_t entries = state.range(0);
  for (int64_t i = 0; i < entries; ++i) {
    index.append(Offset(i * 40), FilePosition(static_cast<uint64_t>(i) * 4096));
  }
  std::mt19937_64 rng(1);
  std::vector<Offset> targets(4096);
  for (auto& t : targets) t = Offset(static_cast<int64_t>(rng() % static_cast<uint64_t>(entries * 40)));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(index.floor(targets[i++ & 4095]));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OffsetIndexFloor)->Arg(1024)->Arg(262144);

}  // namespace
}  // namespace cairn::storage
