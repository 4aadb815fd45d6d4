// Topic creation and deletion against an in-process broker (one shard, a real data directory).
#include "broker/ops/topic_admin.h"

#include <gtest/gtest.h>

#include <boost/asio/use_future.hpp>

#include "broker/broker.h"
#include "broker/ops/operations.h"
#include "tests/support/test_util.h"

namespace cairn::broker {
namespace {

using protocol::ErrorCode;
using testing::TempDir;

class TopicAdminTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerConfig config;
    config.port = 0;
    config.data_dir = tmp.path() / "data";
    config.threads = 1;
    broker = std::make_unique<Broker>(config);
    ASSERT_TRUE(broker->start().is_ok());
  }
  void TearDown() override {
    broker->request_stop();
    broker->wait();
  }
  // Runs `task` on shard 0 and waits for its result (nullopt if it does not finish in time).
  std::optional<TopicOutcome> run(awaitable<TopicOutcome> task) {
    auto future = asio::co_spawn(broker->services().shard(0).executor(), std::move(task),
                                 asio::use_future);
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) return std::nullopt;
    return future.get();
  }

  TempDir tmp;
  std::unique_ptr<Broker> broker;
};

TEST_F(TopicAdminTest, ADeleteQueuedBehindTheStopIsRefused) {
  auto created = run(broker->operations().create_topic("t", broker->config().topic_defaults));
  ASSERT_TRUE(created);
  ASSERT_EQ(created->error, ErrorCode::kNone) << created->message;
  // The stop runs first on shard 0 and is closing the partitions when the delete comes.
  broker->request_stop();
  auto deleted = run(broker->operations().delete_topic("t"));
  ASSERT_TRUE(deleted) << "the delete never finished";
  EXPECT_EQ(deleted->error, ErrorCode::kBrokerShuttingDown);
}

TEST_F(TopicAdminTest, AMalformedNameIsRefusedWithoutTouchingTheStore) {
  auto deleted = run(broker->operations().delete_topic(std::string(300, 'x')));
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->error, ErrorCode::kInvalidTopicName);
  EXPECT_EQ(deleted->message.find("xxx"), std::string::npos) << "the message quotes the name";
}

}  // namespace
}  // namespace cairn::broker
