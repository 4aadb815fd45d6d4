#pragma once

// A fixture that opens PartitionLogs on one of the test backends and drives the io_context
// synchronously, so storage tests read top to bottom.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "protocol/record_batch.h"
#include "storage/partition_log.h"
#include "tests/support/fault_backend.h"
#include "tests/support/test_util.h"

namespace cairn::testing {

struct ReadRecord {
  Offset offset;
  int64_t timestamp_ms;
  std::string value;
};

class PartitionFixture {
 public:
  explicit PartitionFixture(const std::string& backend);

  storage::IoBackend& io() { return *io_; }
  FaultBackend& fault() { return static_cast<FaultBackend&>(*io_); }
  bool is_fault() const { return backend_ == "fault"; }
  boost::asio::io_context& ctx() { return ctx_; }
  const std::filesystem::path& dir() const { return dir_; }

  Result<std::unique_ptr<storage::PartitionLog>> open(storage::PartitionConfig config);
  std::unique_ptr<storage::PartitionLog> open_ok(storage::PartitionConfig config);

  // Appends and waits for the acknowledgement.
  Result<storage::AppendResult> append(storage::PartitionLog& log, std::vector<std::byte> batch);
  // Appends a leader's stored batch as a follower does (append_replica) and waits for it.
  Result<storage::AppendResult> append_replica(storage::PartitionLog& log,
                                               std::vector<std::byte> batch);
  // Starts appends for all `batches` at once, then waits for every one of them.
  std::vector<Result<storage::AppendResult>> append_all(
      storage::PartitionLog& log, std::vector<std::vector<std::byte>> batches);
  Status flush(storage::PartitionLog& log);
  void flush_and_close(storage::PartitionLog& log);

  // Every record from `from` to the high watermark, read slice by slice.
  std::vector<ReadRecord> read_all(const storage::PartitionLog& log, Offset from,
                                   uint32_t max_bytes = 64 * 1024);
  // The bytes of a slice.
  static std::vector<std::byte> slice_bytes(const storage::LogSlice& slice);

  std::filesystem::path segment_path(Offset base, std::string_view suffix) const;

 private:
  std::string backend_;
  boost::asio::io_context ctx_;
  TempDir tmp_;
  std::unique_ptr<storage::IoBackend> io_;
  std::filesystem::path dir_;
};

inline std::string backend_name(const ::testing::TestParamInfo<std::string>& info) {
  return info.param;
}

}  // namespace cairn::testing
