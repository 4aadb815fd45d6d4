// BrokerServices in an in-process broker (two shards, a real data directory): the services that
// live on one shard are reachable on that shard's thread only (a debug check).
#include "broker/services.h"

#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include "broker/broker.h"
#include "tests/support/test_util.h"

namespace cairn::broker {
namespace {

using testing::TempDir;

class ServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.port = 0;
    config.data_dir = tmp.path() / "data";
    config.threads = 2;
    broker = std::make_unique<Broker>(config);
    ASSERT_TRUE(broker->start().is_ok());
  }
  void TearDown() override {
    broker->request_stop();
    broker->wait();
  }

  TempDir tmp;
  std::unique_ptr<Broker> broker;
};

awaitable<bool> reach_shard0_services(BrokerServices& services) {
  services.topic_store();
  services.producer_ids();
  services.admin_mutex();
  services.coordinator(0);
  co_return true;
}

TEST_F(ServicesTest, ShardZerosServicesAreReachableOnShardZerosThread) {
  BrokerServices& services = broker->services();
  auto reached = asio::co_spawn(services.shard(0).executor(), reach_shard0_services(services),
                                asio::use_future);
  ASSERT_EQ(reached.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  EXPECT_TRUE(reached.get());
}

TEST_F(ServicesTest, ReachingShardZerosServicesFromAnotherThreadFailsTheDebugCheck) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  BrokerServices& services = broker->services();
  EXPECT_DEBUG_DEATH(services.topic_store(), "on_own_thread");
  EXPECT_DEBUG_DEATH(services.producer_ids(), "on_own_thread");
  EXPECT_DEBUG_DEATH(services.coordinator(1), "on_own_thread");
}

}  // namespace
}  // namespace cairn::broker
