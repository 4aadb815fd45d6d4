#pragma once

// FramePool: the buffers a connection reads its response frames into, used again once the
// application lets go of a frame. A fetch answer is up to megabytes, and a fresh allocation of
// that size comes from the kernel as fresh pages (mapped, faulted in and zeroed page by page, and
// unmapped when freed): at full speed that cost more of the consumer's CPU than decoding the
// records. Thread-safe: frames are taken on the connection's I/O thread and released wherever
// the last holder drops them (the application's thread, for fetched records), also after the
// pool is gone. Bounded: it keeps at most kKept buffers, each no larger than kMaxKeptBytes.

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace cairn::client {

class FramePool : public std::enable_shared_from_this<FramePool> {
 public:
  static constexpr size_t kKept = 4;
  static constexpr size_t kMaxKeptBytes = size_t{64} << 20;

  static std::shared_ptr<FramePool> create();

  // A buffer of `length` bytes (their content unspecified), back to the pool when the last copy
  // of the pointer goes.
  std::shared_ptr<std::vector<std::byte>> take(size_t length);

  // Buffers kept for reuse, for tests.
  size_t kept() const;

 private:
  FramePool() = default;
  void give_back(std::vector<std::byte>* buffer);

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<std::vector<std::byte>>> free_;
};

}  // namespace cairn::client
