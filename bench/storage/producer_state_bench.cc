// A partition's last stable offset, asked by every read_committed fetch and by every append
// while a read_committed reader waits, with the producer cap's 1,000 producers known and a few
// transactions open; and the cost of opening and closing one transaction (a transactional batch
// and its marker) among them.
#include <benchmark/benchmark.h>

#include <cstdint>

#include "protocol/record_batch.h"
#include "protocol/wire_format.h"
#include "storage/producer_state.h"

namespace cairn::storage {
namespace {

protocol::BatchHeader batch(int64_t pid, bool transactional, bool control = false) {
  protocol::BatchHeader h;
  h.producer_id = pid;
  h.record_count = 1;
  h.max_timestamp = 1000;
  if (transactional) h.attributes = protocol::batch::kTransactionalBit;
  if (control) h.attributes |= protocol::batch::kControlBit;
  return h;
}

// 1,000 producers, the first `open` of them with a transaction open.
ProducerState producers(int64_t open) {
  ProducerState s;
  for (int64_t pid = 0; pid < 1000; ++pid) {
    s.record(batch(pid, pid < open), Offset(pid), timestamp_from_millis(pid));
  }
  return s;
}

void BM_LastStableOffset(benchmark::State& state) {
  ProducerState s = producers(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(s.last_stable_offset(Offset(1'000'000)));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LastStableOffset)->Arg(0)->Arg(10);

void BM_OpenAndCloseATransaction(benchmark::State& state) {
  ProducerState s = producers(10);
  int64_t offset = 1000;
  for (auto _ : state) {
    s.record(batch(500, true), Offset(offset++), timestamp_from_millis(2000));
    s.record(batch(500, true, true), Offset(offset++), timestamp_from_millis(2000));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_OpenAndCloseATransaction);

}  // namespace
}  // namespace cairn::storage
