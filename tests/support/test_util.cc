#include "tests/support/test_util.h"

#include <unistd.h>

#include <stdexcept>
#include <thread>

#include "tests/support/fault_backend.h"

namespace cairn::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string expected_value(const BatchSpec& spec, int index) {
  std::string v = std::to_string(spec.seed) + ":" + std::to_string(index) + ":";
  std::mt19937_64 rng(spec.seed * 1000003 + static_cast<uint64_t>(index));
  while (v.size() < spec.value_bytes) v.push_back(static_cast<char>('a' + rng() % 26));
  v.resize(std::max(spec.value_bytes, v.size()));
  return v;
}

std::vector<std::byte> make_batch(const BatchSpec& spec) {
  protocol::RecordBatchBuilder builder;
  for (int i = 0; i < spec.records; ++i) {
    std::string value = expected_value(spec, i);
    builder.append(timestamp_from_millis(spec.timestamp_ms + i * spec.timestamp_step_ms),
                   std::nullopt, protocol::as_bytes(value));
  }
  return builder.seal();
}

bool run_until(boost::asio::io_context& ctx, const std::function<bool()>& done,
               std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    if (ctx.stopped()) ctx.restart();
    ctx.run_one_for(std::chrono::milliseconds(10));
  }
  return true;
}

std::unique_ptr<storage::IoBackend> make_test_backend(const std::string& kind,
                                                      boost::asio::io_context& ctx) {
  if (kind == "fault") return std::make_unique<FaultBackend>(ctx);
  auto backend = storage::make_io_backend(
      ctx, kind == "uring" ? storage::IoBackendKind::kUring : storage::IoBackendKind::kPosix);
  if (!backend) throw std::runtime_error(backend.error().to_string());
  return std::move(*backend);
}

bool eventually(const std::function<bool()>& check, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (check()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return check();
}

}  // namespace cairn::testing
