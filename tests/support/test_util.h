#pragma once

// Helpers shared by the unit tests: temporary directories, batch factories, and a way to run an
// io_context until a condition holds.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "protocol/record_batch_builder.h"
#include "storage/io/io_backend.h"

namespace cairn::testing {

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct BatchSpec {
  int records = 1;
  size_t value_bytes = 16;
  int64_t timestamp_ms = 1'700'000'000'000;
  int64_t timestamp_step_ms = 0;  // added per record
  uint64_t seed = 0;              // the values' content
};

// A sealed batch of `spec.records` records whose values start with "<seed>:<index>:".
std::vector<std::byte> make_batch(const BatchSpec& spec);
// The value make_batch put at `index`.
std::string expected_value(const BatchSpec& spec, int index);

// Polls `check` every 50 ms for up to `limit` (the state is another process's); true once it
// holds.
bool eventually(const std::function<bool()>& check,
                std::chrono::milliseconds limit = std::chrono::seconds(60));

// Runs `ctx` until `done()` holds; fails the test (returns false) after `limit`.
bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done,
               std::chrono::milliseconds limit = std::chrono::seconds(20));

// The backends a storage test runs against: "uring", "posix" (real files under a temp dir) or
// "fault" (in memory).
std::unique_ptr<storage::IoBackend> make_test_backend(const std::string& kind,
                                                      boost::asio::io_context& ctx);

}  // namespace cairn::testing
