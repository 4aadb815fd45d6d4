// Shard: finding partitions to serve, and the debug check that only the shard's own thread
// touches what it owns.
#include "broker/shard.h"

#include <gtest/gtest.h>

namespace cairn::broker {
namespace {

class ShardTest : public ::testing::Test {
 protected:
  BrokerConfig config;
  Shard shard{0, config};
};

TEST_F(ShardTest, FindOnlineTellsAPartitionItDoesNotHaveFromAnOfflineOne) {
  shard.add(std::make_unique<Partition>("t", 0, Status::corruption("segment 0 is damaged")));
  auto missing = shard.find_online("t", 1);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Status::Code::kNotFound);
  auto offline = shard.find_online("t", 0);
  ASSERT_FALSE(offline);
  EXPECT_EQ(offline.error().code(), Status::Code::kUnavailable);
  EXPECT_EQ(offline.error().message(), "segment 0 is damaged");
}

TEST_F(ShardTest, BeforeItStartsAndAfterItStopsAnyThreadMayTouchIt) {
  EXPECT_TRUE(shard.on_own_thread());
  shard.start();
  shard.stop();
  shard.join();
  EXPECT_TRUE(shard.on_own_thread());
  EXPECT_EQ(shard.find("t", 0), nullptr);
}

TEST_F(ShardTest, AnotherThreadTouchingTheRunningShardsPartitionsFailsTheDebugCheck) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  shard.start();
  EXPECT_FALSE(shard.on_own_thread());
  EXPECT_DEBUG_DEATH(shard.find("t", 0), "on_own_thread");
  shard.stop();
  shard.join();
}

}  // namespace
}  // namespace cairn::broker
