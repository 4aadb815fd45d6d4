// cairnd (foundation stage): opens its data directory, takes the lock, recovers every partition
// found in it and reports what it found. The network broker builds on this.
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <string>

#include <boost/asio/io_context.hpp>

#include "storage/io/io_backend.h"
#include "storage/partition_log.h"

namespace {

bool is_partition_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    auto name = e.path().filename().string();
    if (name.ends_with(".log") || name == "recovery-point") return true;
  }
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("cairnd: the Cairn broker daemon", "cairnd");
  std::string data_dir = "./cairn-data";
  std::string backend = "auto";
  app.add_option("--data-dir", data_dir, "Data directory")->capture_default_str();
  app.add_option("--io-backend", backend, "auto, uring or posix")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  auto kind = cairn::storage::parse_backend_kind(backend);
  if (!kind) {
    spdlog::error("{}", kind.error().message());
    return 2;
  }
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    spdlog::error("cannot create data directory {}: {}", data_dir, ec.message());
    return 1;
  }
  int lock = ::open((std::filesystem::path(data_dir) / ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock < 0 || ::flock(lock, LOCK_EX | LOCK_NB) != 0) {
    spdlog::error("data directory {} is in use by another cairnd", data_dir);
    return 1;
  }
  boost::asio::io_context ctx;
  auto io = cairn::storage::make_io_backend(ctx, *kind);
  if (!io) {
    spdlog::error("{}", io.error().to_string());
    return 1;
  }
  spdlog::info("data directory {} (I/O backend {})", data_dir, (*io)->name());
  int partitions = 0, offline = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data_dir, ec)) {
    if (!e.is_directory() || !is_partition_dir(e.path())) continue;
    ++partitions;
    auto log = cairn::storage::PartitionLog::open(**io, e.path(), {});
    if (!log) {
      ++offline;
      spdlog::error("partition {} offline: {}", e.path().string(), log.error().to_string());
      continue;
    }
    const auto& r = (*log)->recovery_report();
    spdlog::info("partition {}: offsets {}..{}, {} segments, {} bytes; scanned {} segments, "
                 "truncated {} bytes, rebuilt {} indexes",
                 e.path().string(), (*log)->log_start_offset().value(),
                 (*log)->high_watermark().value(), (*log)->segment_count(), (*log)->size_bytes(),
                 r.segments_scanned, r.bytes_truncated, r.indexes_rebuilt);
    if (auto s = (*log)->close(); !s.is_ok()) spdlog::warn("closing: {}", s.to_string());
  }
  spdlog::info("{} partitions recovered, {} offline", partitions - offline, offline);
  return offline == 0 ? 0 : 1;
}
