// `cairn topics describe` against a leader with a real follower: each partition's leader epoch,
// the in-sync set and each replica's fetched offset and lag, while the follower copies and after
// it is killed (it leaves the in-sync set after --replica-lag-max-ms).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(ReplicationDescribe, ShowsTheInSyncSetAndEachReplicasOffsetAndLagUntilTheFollowerLeavesIt) {
  TempDir tmp;
  BrokerProcess leader(tmp.path() / "leader", {"--replica-lag-max-ms", "1500"});
  ASSERT_EQ(cli(leader.address(), {"topics", "create", "t"}).exit_code, 0);
  auto input = tmp.path() / "input";
  {
    std::ofstream out(input);
    for (int i = 0; i < 10; ++i) out << "record " << i << "\n";
  }
  ASSERT_EQ(cli(leader.address(), {"produce", "t"}, input).exit_code, 0);
  // Before any follower: no replicas section.
  auto alone = cli(leader.address(), {"topics", "describe", "t"});
  ASSERT_EQ(alone.exit_code, 0) << alone.err;
  EXPECT_TRUE(has(alone.out, "epoch")) << alone.out;
  EXPECT_FALSE(has(alone.out, "replicas:")) << alone.out;

  auto follower = std::make_unique<BrokerProcess>(
      tmp.path() / "follower",
      std::vector<std::string>{"--replica-of", leader.address(), "--node-id", "1"});
  std::string described;
  EXPECT_TRUE(eventually([&] {
    described = cli(leader.address(), {"topics", "describe", "t"}).out;
    return has(described, "partition 0: log end 10, in sync [0,1]") &&
           has(described, "replica 1: fetched 10, lag 0, in sync");
  })) << described;

  follower->kill9();
  EXPECT_TRUE(eventually([&] {
    described = cli(leader.address(), {"topics", "describe", "t"}).out;
    return has(described, "partition 0: log end 10, in sync [0]") &&
           has(described, "replica 1: fetched 10, lag 0, out of sync");
  })) << described;
}

}  // namespace
}  // namespace cairn::testing
