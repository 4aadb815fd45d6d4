#include "client/src/batch_buffer_pool.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

std::vector<std::byte> buffer(size_t capacity) {
  std::vector<std::byte> b;
  b.reserve(capacity);
  b.resize(10, std::byte{1});
  return b;
}

TEST(BatchBufferPoolTest, SharedBytesComeBackEmptyWithTheirMemoryOnceTheLastHolderDropsThem) {
  auto pool = BatchBufferPool::create(2, 1024);
  auto bytes = buffer(4096);
  const std::byte* memory = bytes.data();
  auto shared = pool->share(std::move(bytes));
  auto copy = shared;  // a queued write, say
  EXPECT_EQ(shared->size(), 10U);
  shared.reset();
  EXPECT_EQ(pool->spare(), 0U) << "still held";
  copy.reset();
  ASSERT_EQ(pool->spare(), 1U);
  auto again = pool->take();
  EXPECT_TRUE(again.empty());
  EXPECT_EQ(again.data(), memory);
  EXPECT_GE(again.capacity(), 4096U);
  EXPECT_TRUE(pool->take().empty()) << "no spare left: an empty vector";
}

TEST(BatchBufferPoolTest, KeepsAtMostItsLimitAndNothingSmall) {
  auto pool = BatchBufferPool::create(2, 1024);
  for (int i = 0; i < 3; ++i) pool->share(buffer(2048)).reset();
  EXPECT_EQ(pool->spare(), 2U);
  auto other = BatchBufferPool::create(2, 1024);
  other->share(buffer(100)).reset();
  EXPECT_EQ(other->spare(), 0U);
}

TEST(BatchBufferPoolTest, NothingLargerThanItsMaximumIsKept) {
  auto pool = BatchBufferPool::create(2, 1024, 4096);
  pool->share(buffer(8192)).reset();
  EXPECT_EQ(pool->spare(), 0U) << "too large to hold on to";
  pool->share(buffer(4096)).reset();
  EXPECT_EQ(pool->spare(), 1U);
}

TEST(BatchBufferPoolTest, BytesOutlivingThePoolAreFreedWithoutIt) {
  auto pool = BatchBufferPool::create(2, 1024);
  auto shared = pool->share(buffer(2048));
  pool.reset();
  EXPECT_EQ(shared->size(), 10U);
  shared.reset();  // ASan: freed once, no use of the pool
}

}  // namespace
}  // namespace cairn::client
