// PartitionLog appends on a real disk: throughput per batch size, durability policy and I/O
// backend, and group commit (appends/s with several appenders in flight under fsync-always).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "protocol/record_batch_builder.h"
#include "storage/partition_log.h"

namespace cairn::storage {
namespace {

// Where the benchmark writes: $CAIRN_BENCH_DIR, or the system temp dir.
std::filesystem::path bench_dir() {
  const char* env = std::getenv("CAIRN_BENCH_DIR");
  std::filesystem::path base = env ? env : std::filesystem::temp_directory_path();
  std::string pattern = (base / "cairn-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

std::vector<std::byte> batch_of(size_t bytes) {
  std::string value(1000, 'x');
  protocol::RecordBatchBuilder builder;
  while (builder.size_bytes() + value.size() + 16 < bytes) {
    builder.append(timestamp_from_millis(1'700'000'000'000), std::nullopt,
                   protocol::as_bytes(value));
  }
  return builder.seal();
}

double process_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

const char* kPolicies[] = {"always", "interval:100", "never"};
const char* kBackends[] = {"uring", "posix"};

// Args: batch bytes, policy index, backend index, appenders in flight.
void BM_Append(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  auto batch_bytes = static_cast<size_t>(state.range(0));
  auto policy = *DurabilityPolicy::parse(kPolicies[state.range(1)]);
  auto kind = state.range(2) == 0 ? IoBackendKind::kUring : IoBackendKind::kPosix;
  int appenders = static_cast<int>(state.range(3));
  state.SetLabel(std::string(kPolicies[state.range(1)]) + "/" + kBackends[state.range(2)] + "/" +
                 std::to_string(appenders) + " appenders");

  auto dir = bench_dir();
  boost::asio::io_context ctx;
  auto guard = boost::asio::make_work_guard(ctx);  // run_one() waits instead of stopping
  auto io = make_io_backend(ctx, kind);
  if (!io) {
    state.SkipWithError(io.error().to_string().c_str());
    return;
  }
  auto log =
      PartitionLog::open(**io, dir / "p", {.segment_bytes = 1ull << 30, .durability = policy});
  if (!log) {
    state.SkipWithError(log.error().to_string().c_str());
    return;
  }
  const auto templ = batch_of(batch_bytes);
  std::vector<std::vector<std::byte>> buffers(static_cast<size_t>(appenders), templ);
  int64_t started = 0, completed = 0, failed = 0;
  int64_t target = 0;
  // Each appender appends again as soon as its previous append is acknowledged.
  std::function<void(size_t)> start = [&](size_t slot) {
    ++started;
    (*log)->append(buffers[slot], [&, slot](const Result<AppendResult>& r) {
      ++completed;
      if (!r) ++failed;
      if (started < target) start(slot);
    });
  };
  const double cpu_before = process_cpu_seconds();
  for (auto _ : state) {
    target += 64;
    for (size_t slot = 0; slot < buffers.size() && started < target; ++slot) {
      if (started - completed < appenders) start(slot);
    }
    while (completed < target) ctx.run_one();
  }
  if (failed > 0) state.SkipWithError("appends failed");
  // The whole process's CPU per append: the kernel's io_uring workers that run the fdatasync are
  // threads of it, as is the posix backend's worker.
  state.counters["cpu_us_per_append"] = (process_cpu_seconds() - cpu_before) * 1e6 /
                                        static_cast<double>(std::max<int64_t>(1, completed));
  state.SetItemsProcessed(completed);
  state.SetBytesProcessed(completed * static_cast<int64_t>(templ.size()));
  bool done = false;
  (*log)->flush([&](const Status&) { done = true; });
  while (!done) ctx.run_one();
  log->reset();
  std::filesystem::remove_all(dir);
}

void append_args(benchmark::internal::Benchmark* b) {
  for (int64_t backend : {0, 1}) {
    for (int64_t policy : {0, 1, 2}) {
      for (int64_t bytes : {16 << 10, 1 << 20}) b->Args({bytes, policy, backend, 1});
    }
    // The broker's low-rate case: one small batch per fsync, nothing to group it with.
    b->Args({4 << 10, 0, backend, 1});
    // Group commit: fsync every append, one appender vs eight.
    b->Args({16 << 10, 0, backend, 8});
    // Buffered appends of 1 MiB batches with a few in flight, as a producer pipelines them.
    b->Args({1 << 20, 2, backend, 4});
  }
}
BENCHMARK(BM_Append)->Apply(append_args)->UseRealTime()->Unit(benchmark::kMicrosecond);

// Appends of idempotent batches from many producers into small segments, so that segments roll
// (each roll writes a producer snapshot and seals a segment) every 64 appends. Besides the
// throughput it reports the slowest single append (append to acknowledgement), which is where
// work done on the core at a roll shows. Args: backend index, appenders in flight, policy index.
void BM_AppendRolling(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  constexpr int kProducers = 1000;
  constexpr size_t kBatchBytes = 16 << 10;
  auto kind = state.range(0) == 0 ? IoBackendKind::kUring : IoBackendKind::kPosix;
  int appenders = static_cast<int>(state.range(1));
  auto policy = *DurabilityPolicy::parse(kPolicies[state.range(2)]);
  state.SetLabel(std::string(kPolicies[state.range(2)]) + "/" + kBackends[state.range(0)] + "/" +
                 std::to_string(appenders) + " appenders, 1 MiB segments, " +
                 std::to_string(kProducers) + " producers");
  auto dir = bench_dir();
  boost::asio::io_context ctx;
  auto guard = boost::asio::make_work_guard(ctx);
  auto io = make_io_backend(ctx, kind);
  if (!io) {
    state.SkipWithError(io.error().to_string().c_str());
    return;
  }
  auto log = PartitionLog::open(**io, dir / "p", {.segment_bytes = 1 << 20, .durability = policy});
  if (!log) {
    state.SkipWithError(log.error().to_string().c_str());
    return;
  }
  std::string value(kBatchBytes - 200, 'x');
  std::vector<int32_t> next_sequence(kProducers, 0);
  int64_t started = 0, completed = 0, failed = 0, target = 0;
  double slowest_us = 0;
  // Each appender appends again as soon as its previous append is acknowledged, cycling
  // through the producers with each one's next sequence.
  std::function<void()> start = [&] {
    int producer = static_cast<int>(started % kProducers);
    ++started;
    protocol::RecordBatchBuilder builder(
        {.producer_id = producer, .producer_epoch = 0, .base_sequence = next_sequence[producer]++});
    builder.append(timestamp_from_millis(1'700'000'000'000), std::nullopt,
                   protocol::as_bytes(value));
    auto batch = std::make_shared<std::vector<std::byte>>(builder.seal());
    auto begun = std::chrono::steady_clock::now();
    (*log)->append(*batch, [&, batch, begun](const Result<AppendResult>& r) {
      ++completed;
      if (!r) ++failed;
      slowest_us = std::max(slowest_us, std::chrono::duration<double, std::micro>(
                                            std::chrono::steady_clock::now() - begun)
                                            .count());
      if (started < target) start();
    });
  };
  for (auto _ : state) {
    target += 256;
    while (started < target && started - completed < appenders) start();
    while (completed < target) ctx.run_one();
  }
  if (failed > 0) state.SkipWithError("appends failed");
  state.SetItemsProcessed(completed);
  state.counters["slowest_us"] = slowest_us;
  bool done = false;
  (*log)->flush([&](const Status&) { done = true; });
  while (!done) ctx.run_one();
  log->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_AppendRolling)
    ->Args({0, 1, 0})
    ->Args({0, 8, 0})
    ->Args({1, 1, 0})
    ->Args({1, 8, 0})
    ->Args({0, 1, 2})
    ->Args({1, 1, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::storage
