// The client's bootstrap address list and its choice of broker after a connect failure or a
// NOT_LEADER answer.
#include "client/src/broker_list.h"

#include <gtest/gtest.h>

namespace cairn::client {
namespace {

using Code = Status::Code;

TEST(BrokerListTest, ACommaSeparatedListKeepsItsOrderAndDropsSpaces) {
  auto list = parse_broker_list("a:1, b:2 ,c:3");
  ASSERT_TRUE(list) << list.error().to_string();
  EXPECT_EQ(*list, (std::vector<std::string>{"a:1", "b:2", "c:3"}));
}

TEST(BrokerListTest, ASingleAddressIsAListOfOne) {
  auto list = parse_broker_list("127.0.0.1:9292");
  ASSERT_TRUE(list);
  EXPECT_EQ(*list, (std::vector<std::string>{"127.0.0.1:9292"}));
}

TEST(BrokerListTest, AnEntryThatIsNotHostPortIsRefused) {
  for (const char* bad : {"", "a", "a:", ":1", "a:0", "a:65536", "a:1x", "a:1,", "a:1,,b:2"}) {
    auto list = parse_broker_list(bad);
    ASSERT_FALSE(list) << bad;
    EXPECT_EQ(list.error().code(), Code::kInvalidArgument) << bad;
  }
}

TEST(BrokerListTest, AConnectFailureMovesToTheNextAddressAndWrapsAround) {
  BrokerList brokers({"a:1", "b:2"});
  EXPECT_EQ(brokers.current(), "a:1");
  brokers.connect_failed();
  EXPECT_EQ(brokers.current(), "b:2");
  EXPECT_FALSE(brokers.exhausted());
  brokers.connect_failed();
  EXPECT_EQ(brokers.current(), "a:1");
  EXPECT_TRUE(brokers.exhausted());
  brokers.succeeded();
  EXPECT_FALSE(brokers.exhausted());
}

TEST(BrokerListTest, ANamedLeaderBecomesCurrentUntilItFails) {
  BrokerList brokers({"follower:1", "other:2"});
  brokers.not_leader("leader:3");
  EXPECT_EQ(brokers.current(), "leader:3");
  brokers.connect_failed();
  EXPECT_EQ(brokers.current(), "other:2");
}

TEST(BrokerListTest, NotLeaderWithoutALeaderMovesToTheNextAddress) {
  BrokerList brokers({"a:1", "b:2"});
  brokers.not_leader("");
  EXPECT_EQ(brokers.current(), "b:2");
}

TEST(BrokerListTest, AnEmptyListFallsBackToTheDefaultAddress) {
  BrokerList brokers({});
  EXPECT_EQ(brokers.current(), "127.0.0.1:9292");
}

}  // namespace
}  // namespace cairn::client
