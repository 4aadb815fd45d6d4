// Opening a partition on a real disk, what a broker does for every partition at start-up: after
// a clean close (the files are trusted: nothing scanned or synced) and after a crash (the active
// segment is scanned and synced and the recovery point rewritten).
#include <benchmark/benchmark.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "protocol/record_batch_builder.h"
#include "storage/partition_log.h"

namespace cairn::storage {
namespace {

std::filesystem::path open_bench_dir() {
  const char* env = std::getenv("CAIRN_BENCH_DIR");
  std::filesystem::path base = env ? env : std::filesystem::temp_directory_path();
  std::string pattern = (base / "cairn-open-bench-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  return pattern;
}

// Args: 1 to close cleanly before each open, 0 to drop the log as a crash would.
void BM_OpenPartition(benchmark::State& state) {
  spdlog::set_level(spdlog::level::off);
  bool clean = state.range(0) == 1;
  state.SetLabel(clean ? "after a clean close" : "after a crash");
  auto dir = open_bench_dir();
  boost::asio::io_context ctx;
  auto guard = boost::asio::make_work_guard(ctx);
  auto io = make_io_backend(ctx, IoBackendKind::kPosix);
  if (!io) {
    state.SkipWithError(io.error().to_string().c_str());
    return;
  }
  PartitionConfig config{.segment_bytes = 64 * 1024};
  {
    // Four segments of 100 B records, the last one half full.
    auto log = PartitionLog::open(**io, dir / "p", config);
    if (!log) {
      state.SkipWithError(log.error().to_string().c_str());
      return;
    }
    std::string value(100, 'x');
    std::vector<std::vector<std::byte>> batches;
    for (int i = 0; i < 224; ++i) {
      protocol::RecordBatchBuilder builder;
      for (int r = 0; r < 10; ++r) {
        builder.append(timestamp_from_millis(1'700'000'000'000), std::nullopt,
                       protocol::as_bytes(value));
      }
      batches.push_back(builder.seal());
    }
    int done = 0;
    for (auto& b : batches) (*log)->append(b, [&done](const Result<AppendResult>&) { ++done; });
    while (done < static_cast<int>(batches.size())) ctx.run_one();
    bool flushed = false;
    (*log)->begin_close();
    (*log)->flush([&flushed](const Status&) { flushed = true; });
    while (!flushed || !(*log)->idle()) ctx.run_one();
    if (!(*log)->close().is_ok()) std::abort();
  }
  for (auto _ : state) {
    auto log = PartitionLog::open(**io, dir / "p", config);
    if (!log) {
      state.SkipWithError(log.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(log);
    if (clean) {
      (*log)->begin_close();
      if (!(*log)->close().is_ok()) std::abort();
    }
  }
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_OpenPartition)->Arg(1)->Arg(0)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::storage
