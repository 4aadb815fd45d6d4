#include "client/src/batch_buffer_pool.h"

#include <utility>

namespace cairn::client {

std::shared_ptr<BatchBufferPool> BatchBufferPool::create(size_t max_buffers, size_t min_capacity,
                                                         size_t max_capacity) {
  return std::shared_ptr<BatchBufferPool>(
      new BatchBufferPool(max_buffers, min_capacity, max_capacity));
}

std::vector<std::byte> BatchBufferPool::take() {
  std::lock_guard lock(mu_);
  if (spare_.empty()) return {};
  std::vector<std::byte> out = std::move(spare_.back());
  spare_.pop_back();
  return out;
}

std::shared_ptr<const std::vector<std::byte>> BatchBufferPool::share(std::vector<std::byte> bytes) {
  std::weak_ptr<BatchBufferPool> pool = weak_from_this();
  auto* owned = new std::vector<std::byte>(std::move(bytes));
  return {owned, [pool](const std::vector<std::byte>* v) {
            // Allocated just above as a mutable vector: taking its memory back is safe.
            auto* mine = const_cast<std::vector<std::byte>*>(v);  // NOLINT
            if (auto p = pool.lock()) p->give(std::move(*mine));
            delete mine;
          }};
}

void BatchBufferPool::give(std::vector<std::byte>&& buffer) {
  if (buffer.capacity() < min_capacity_ || buffer.capacity() > max_capacity_) return;
  buffer.clear();
  std::lock_guard lock(mu_);
  if (spare_.size() < max_buffers_) spare_.push_back(std::move(buffer));
}

size_t BatchBufferPool::spare() const {
  std::lock_guard lock(mu_);
  return spare_.size();
}

}  // namespace cairn::client
