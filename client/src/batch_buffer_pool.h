#pragma once

// BatchBufferPool: spare buffers for large byte blocks: a producer's batches, a connection's
// response frames. A full batch or a fetch answer is about a megabyte; allocated fresh each time,
// its pages are faulted in and zeroed by the kernel each time (a quarter of the producer's CPU at
// full speed, about a tenth of the consumer's), because the allocator hands such blocks back to
// the system when they are freed. The bytes come back here when the last holder (the batch, a
// queued write, a fetched record) drops them, and the next block starts in them. Shared by the
// side that takes buffers and the holders that give them back, on any thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace cairn::client {

class BatchBufferPool : public std::enable_shared_from_this<BatchBufferPool> {
 public:
  // Keeps at most `max_buffers` spare buffers of at least `min_capacity` bytes each (smaller
  // blocks the allocator recycles itself) and at most `max_capacity` (a rare huge one is not worth
  // holding on to).
  static std::shared_ptr<BatchBufferPool> create(size_t max_buffers, size_t min_capacity,
                                                 size_t max_capacity = SIZE_MAX);

  // A spare buffer (empty, with its capacity), or an empty vector when there is none.
  std::vector<std::byte> take();
  // `bytes`, shared, returning to the pool (when it has room and they are big enough) once the
  // last holder drops them.
  std::shared_ptr<const std::vector<std::byte>> share(std::vector<std::byte> bytes);
  size_t spare() const;

 private:
  BatchBufferPool(size_t max_buffers, size_t min_capacity, size_t max_capacity)
      : max_buffers_(max_buffers), min_capacity_(min_capacity), max_capacity_(max_capacity) {}
  void give(std::vector<std::byte>&& buffer);

  const size_t max_buffers_;
  const size_t min_capacity_;
  const size_t max_capacity_;
  mutable std::mutex mu_;
  std::vector<std::vector<std::byte>> spare_;
};

}  // namespace cairn::client
