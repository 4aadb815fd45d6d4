#include "client/src/frame_pool.h"

#include <algorithm>

namespace cairn::client {

std::shared_ptr<FramePool> FramePool::create() { return std::shared_ptr<FramePool>(new FramePool); }

std::shared_ptr<std::vector<std::byte>> FramePool::take(size_t length) {
  std::unique_ptr<std::vector<std::byte>> buffer;
  {
    std::lock_guard lock(mu_);
    if (!free_.empty()) {
      // The smallest that fits, else the largest (grown, it moves to its new pages once).
      auto fits = [length](const auto& b) { return b->capacity() >= length; };
      auto by_capacity = [](const auto& a, const auto& b) { return a->capacity() < b->capacity(); };
      std::ranges::sort(free_, by_capacity);
      auto it = std::ranges::find_if(free_, fits);
      if (it == free_.end()) it = std::prev(free_.end());
      buffer = std::move(*it);
      free_.erase(it);
    }
  }
  if (!buffer) buffer = std::make_unique<std::vector<std::byte>>();
  // Shrinking writes nothing; growing zeroes only the bytes past the last use's size.
  buffer->resize(length);
  std::weak_ptr<FramePool> pool = weak_from_this();
  return {buffer.release(), [pool](std::vector<std::byte>* b) {
            if (auto p = pool.lock()) {
              p->give_back(b);
            } else {
              delete b;
            }
          }};
}

void FramePool::give_back(std::vector<std::byte>* buffer) {
  std::unique_ptr<std::vector<std::byte>> owned(buffer);
  if (owned->capacity() > kMaxKeptBytes) return;
  std::lock_guard lock(mu_);
  if (free_.size() < kKept) free_.push_back(std::move(owned));
}

size_t FramePool::kept() const {
  std::lock_guard lock(mu_);
  return free_.size();
}

}  // namespace cairn::client
