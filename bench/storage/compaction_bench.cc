// A compaction pass on a real disk: the log (1,000 keys x 100 versions, tombstones for
// 100 keys) in 1 MiB segments, cleaned in 1 MiB slices with no rate limit. Reports the bytes the
// pass read per second, the bytes before and after, and the dirty ratio before and after.
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "protocol/record_batch_builder.h"
#include "storage/partition_log.h"

namespace cairn::storage {
namespace {

std::filesystem::path bench_dir() {
  const char* env = std::getenv("CAIRN_BENCH_DIR");
  std::filesystem::path base = env ? env : std::filesystem::temp_directory_path();
  std::string pattern = (base / "cairn-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

template <typename F>
void run_until(boost::asio::io_context& ctx, F done) {
  while (!done()) ctx.run_one();
}

void BM_CompactionPass(benchmark::State& state) {
  spdlog::set_level(spdlog::level::warn);
  double segments = 0, rewritten = 0;
  double seconds = 0, bytes_read = 0, before = 0, after = 0, dirty_before = 0, dirty_after = 0;
  for (auto _ : state) {
    state.PauseTiming();
    auto dir = bench_dir();
    boost::asio::io_context ctx;
    auto guard = boost::asio::make_work_guard(ctx);
    auto io = make_io_backend(ctx, IoBackendKind::kPosix);
    PartitionConfig config{.segment_bytes = 1 << 20, .durability = DurabilityPolicy::never()};
    config.cleanup = CleanupPolicy{true, false};
    auto log = std::move(*PartitionLog::open(**io, dir / "p", config));
    std::vector<std::vector<std::byte>> batches;
    protocol::RecordBatchBuilder builder;
    auto now = timestamp_from_millis(1'700'000'000'000);
    auto add = [&](const std::string& key, std::optional<std::string> value) {
      std::optional<Bytes> v;
      if (value) v = protocol::as_bytes(*value);
      builder.append(now, protocol::as_bytes(key), v);
      if (builder.record_count() == 100) batches.push_back(builder.seal());
    };
    for (int v = 0; v < 100; ++v) {
      for (int k = 0; k < 1000; ++k) {
        add("key-" + std::to_string(k), "value-" + std::to_string(k) + "-version-" +
                                            std::to_string(v) + std::string(40, 'x'));
      }
    }
    for (int k = 0; k < 100; ++k) add("key-" + std::to_string(k), std::nullopt);
    for (int i = 0; i < 10000; ++i) add("filler", std::string(100, 'f'));  // rolls past them
    // In waves, as producers would send them, so that segments roll at their size.
    for (size_t i = 0; i < batches.size(); i += 8) {
      int pending = 0;
      for (size_t j = i; j < std::min(batches.size(), i + 8); ++j) {
        ++pending;
        log->append(batches[j], [&](Result<AppendResult> r) {
          --pending;
          if (!r) std::fprintf(stderr, "append: %s\n", r.error().to_string().c_str());
        });
      }
      run_until(ctx, [&] { return pending == 0; });
    }
    bool flushed = false;
    log->flush([&](Status) { flushed = true; });
    run_until(ctx, [&] { return flushed && log->idle(); });
    dirty_before = log->dirty_ratio();
    segments = static_cast<double>(log->segment_count());
    state.ResumeTiming();

    auto started = std::chrono::steady_clock::now();
    bool finished = false;
    while (!finished) {
      bool slice_done = false;
      log->compact_slice(1 << 20, [&](Result<PartitionLog::CompactionProgress> r) {
        slice_done = true;
        if (!r) std::abort();
        if (r->pass_finished) {
          finished = true;
          bytes_read = static_cast<double>(r->stats.bytes_read);
          before = static_cast<double>(r->stats.bytes_before);
          after = static_cast<double>(r->stats.bytes_after);
          rewritten = static_cast<double>(r->stats.segments_rewritten);
        }
      });
      run_until(ctx, [&] { return slice_done; });
    }
    seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    state.PauseTiming();
    dirty_after = log->dirty_ratio();
    log.reset();
    std::filesystem::remove_all(dir);
    state.ResumeTiming();
  }
  state.counters["read_MB_per_s"] = bytes_read * static_cast<double>(state.iterations()) / seconds / 1e6;
  state.counters["MB_before"] = before / 1e6;
  state.counters["MB_after"] = after / 1e6;
  state.counters["dirty_before"] = dirty_before;
  state.counters["dirty_after"] = dirty_after;
  state.counters["segments"] = segments;
  state.counters["rewritten"] = rewritten;
}
BENCHMARK(BM_CompactionPass)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace cairn::storage
