// FramePool: a released frame's buffer is what the next frame is read into; what the pool keeps is
// bounded; a frame outliving its pool is freed.
#include "client/src/frame_pool.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn::client {
namespace {

TEST(FramePool, AReleasedFrameIsReadIntoAgain) {
  auto pool = FramePool::create();
  const std::byte* first_bytes = nullptr;
  {
    auto frame = pool->take(1 << 20);
    ASSERT_EQ(frame->size(), size_t{1} << 20);
    first_bytes = frame->data();
    EXPECT_EQ(pool->kept(), 0u) << "in use";
  }
  EXPECT_EQ(pool->kept(), 1u);
  auto smaller = pool->take(4096);
  EXPECT_EQ(smaller->size(), 4096u);
  EXPECT_EQ(smaller->data(), first_bytes) << "the same buffer, no new allocation";
  EXPECT_EQ(pool->kept(), 0u);
}

TEST(FramePool, TheSmallestBufferThatFitsIsTaken) {
  auto pool = FramePool::create();
  {
    auto small = pool->take(1000);
    auto large = pool->take(100000);
  }
  ASSERT_EQ(pool->kept(), 2u);
  auto frame = pool->take(2000);
  EXPECT_GE(frame->capacity(), 100000u) << "only the large one fits";
  auto next = pool->take(500);
  EXPECT_LT(next->capacity(), 100000u);
}

TEST(FramePool, ItKeepsABoundedNumberOfBuffersOfABoundedSize) {
  auto pool = FramePool::create();
  {
    std::vector<std::shared_ptr<std::vector<std::byte>>> frames;
    for (size_t i = 0; i < FramePool::kKept + 3; ++i) frames.push_back(pool->take(64));
  }
  EXPECT_EQ(pool->kept(), FramePool::kKept);
  auto pool2 = FramePool::create();
  { auto huge = pool2->take(FramePool::kMaxKeptBytes + 1); }
  EXPECT_EQ(pool2->kept(), 0u) << "too large to keep";
}

TEST(FramePool, AFrameReleasedOnAnotherThreadAfterThePoolIsGoneIsFreed) {
  auto pool = FramePool::create();
  auto frame = pool->take(128);
  (*frame)[0] = std::byte{7};
  pool.reset();
  std::thread([f = std::move(frame)]() mutable {
    EXPECT_EQ((*f)[0], std::byte{7});
    f.reset();  // under ASan, a leak or a use after free fails the test
  }).join();
}

}  // namespace
}  // namespace cairn::client
