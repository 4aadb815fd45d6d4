// The client's search for the leader among its broker addresses, over fake brokers: which
// address it ends on, and in which order it asks.
#include "client/src/leader_search.h"

#include <gtest/gtest.h>

#include <map>

namespace cairn::client {
namespace {

// A fake connection: the address it was made to.
struct FakeConn {
  std::string address;
};

// What a fake broker at an address says; absent: it cannot be reached.
struct FakeBroker {
  bool leads = false;
  std::string leader;
};

class Cluster {
 public:
  explicit Cluster(std::map<std::string, FakeBroker> brokers) : brokers_(std::move(brokers)) {}

  Result<std::unique_ptr<FakeConn>> search(const std::string& list) {
    auto addresses = parse_broker_list(list);
    if (!addresses) return addresses.error();
    size_t n = addresses->size();
    BrokerList brokers(std::move(*addresses));
    ProbeFn<FakeConn> probe = [this](const std::string& a) -> Result<LeaderProbe<FakeConn>> {
      asked.push_back(a);
      auto it = brokers_.find(a);
      if (it == brokers_.end()) return Status::unavailable("cannot reach " + a);
      return LeaderProbe<FakeConn>{std::make_unique<FakeConn>(FakeConn{a}), it->second.leads,
                                   it->second.leader};
    };
    return find_leader<FakeConn>(brokers, n, probe);
  }

  std::vector<std::string> asked;

 private:
  std::map<std::string, FakeBroker> brokers_;
};

TEST(LeaderSearchTest, AFollowerGivenFirstSendsTheSearchToTheLeaderItNames) {
  Cluster c({{"f:1", {false, "l:1"}}, {"l:1", {true, "l:1"}}});
  auto conn = c.search("f:1");
  ASSERT_TRUE(conn) << conn.error().to_string();
  EXPECT_EQ((*conn)->address, "l:1");
  EXPECT_EQ(c.asked, (std::vector<std::string>{"f:1", "l:1"}));
}

TEST(LeaderSearchTest, ALeaderGivenFirstIsTheOnlyBrokerAsked) {
  Cluster c({{"f:1", {false, "l:1"}}, {"l:1", {true, "l:1"}}});
  auto conn = c.search("l:1,f:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "l:1");
  EXPECT_EQ(c.asked, (std::vector<std::string>{"l:1"}));
}

TEST(LeaderSearchTest, ADeadFirstAddressMovesTheSearchToAPromotedSecond) {
  // After a failover: the old leader is gone and the former follower leads.
  Cluster c({{"b:1", {true, "b:1"}}});
  auto conn = c.search("a:1,b:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "b:1");
  EXPECT_EQ(c.asked, (std::vector<std::string>{"a:1", "b:1"}));
}

TEST(LeaderSearchTest, WithTheNamedLeaderGoneTheFollowerReachedIsTheAnswer) {
  // Before the promotion: the follower names a leader that is down. Reads work on the follower
  // and writes get NOT_LEADER until a leader is back.
  Cluster c({{"f:1", {false, "l:1"}}});
  auto conn = c.search("l:1,f:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "f:1");
  EXPECT_LE(c.asked.size(), 6u);
}

TEST(LeaderSearchTest, AFollowerThatNamesNoLeaderMovesTheSearchToTheNextAddress) {
  Cluster c({{"f:1", {false, ""}}, {"l:1", {true, "l:1"}}});
  auto conn = c.search("f:1,l:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "l:1");
}

TEST(LeaderSearchTest, FollowersNamingEachOtherEndTheSearchOnTheFirstOneReached) {
  Cluster c({{"a:1", {false, "b:1"}}, {"b:1", {false, "a:1"}}});
  auto conn = c.search("a:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "a:1");
  EXPECT_LE(c.asked.size(), 4u);
}

TEST(LeaderSearchTest, AFollowerNamingItselfIsNotAskedAgainAndAgain) {
  Cluster c({{"f:1", {false, "f:1"}}, {"l:1", {true, "l:1"}}});
  auto conn = c.search("f:1,l:1");
  ASSERT_TRUE(conn);
  EXPECT_EQ((*conn)->address, "l:1");
  EXPECT_EQ(c.asked, (std::vector<std::string>{"f:1", "l:1"}));
}

TEST(LeaderSearchTest, WithNoBrokerReachableTheLastFailureIsTheAnswer) {
  Cluster c({});
  auto conn = c.search("a:1,b:1");
  ASSERT_FALSE(conn);
  EXPECT_EQ(conn.error().code(), Status::Code::kUnavailable);
  EXPECT_NE(conn.error().message().find("b:1"), std::string::npos);
  EXPECT_EQ(c.asked, (std::vector<std::string>{"a:1", "b:1"}));
}

}  // namespace
}  // namespace cairn::client
