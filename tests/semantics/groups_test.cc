// Consumer groups end to end: three consumer processes share 12 partitions; one is SIGKILLed and
// its partitions move to the others within the session timeout; a new one joins and gets a share.
#include <gtest/gtest.h>
#include <signal.h>

#include <set>

#include "tests/semantics/harness.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSessionMs = "1000";

struct Snapshot {
  std::string state;
  size_t members = 0;
  size_t assigned = 0;        // partition assignments in total
  size_t distinct = 0;        // distinct partitions assigned
  size_t smallest_share = 0;  // partitions of the member with the fewest
};

Snapshot snapshot(client::Admin& admin) {
  Snapshot s;
  auto d = admin.describe_group("g");
  if (!d) return s;
  s.state = d->state;
  s.members = d->members.size();
  std::set<int32_t> distinct;
  s.smallest_share = SIZE_MAX;
  for (const auto& m : d->members) {
    size_t mine = 0;
    for (const auto& tp : m.assignment) {
      distinct.insert(tp.partition);
      ++s.assigned;
      ++mine;
    }
    s.smallest_share = std::min(s.smallest_share, mine);
  }
  s.distinct = distinct.size();
  return s;
}

bool balanced(const Snapshot& s, size_t members) {
  return s.state == "Stable" && s.members == members && s.assigned == 12 && s.distinct == 12 &&
         s.smallest_share >= 12 / members - 1 && s.smallest_share > 0;
}

TEST(Groups, PartitionsMoveWhenAConsumerDiesAndSpreadWhenOneJoins) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--group-rebalance-delay-ms", "100"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "12"}).exit_code, 0);
  auto admin = client::Admin::create({.broker = broker.address()});
  ASSERT_TRUE(admin);
  auto consumer = [&](int i) {
    return std::make_unique<Child>(
        std::vector<std::string>{example("at_least_once_consumer"), broker.address(), "t", "g",
                                 "/dev/null", kSessionMs, "0"},
        tmp.path() / ("consumer-" + std::to_string(i) + ".log"));
  };
  std::vector<std::unique_ptr<Child>> consumers;
  for (int i = 0; i < 3; ++i) consumers.push_back(consumer(i));
  ASSERT_TRUE(eventually([&] { return balanced(snapshot(**admin), 3); }, 30s))
      << "three members never shared the 12 partitions; state " << snapshot(**admin).state;

  consumers[1]->signal(SIGKILL);
  auto killed_at = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually([&] { return balanced(snapshot(**admin), 2); }, 30s));
  auto moved_after = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - killed_at);
  std::cout << "partitions of the killed consumer moved after " << moved_after.count()
            << " ms (session timeout " << kSessionMs << " ms)\n";
  // The session timeout, one heartbeat and the rebalance window; nowhere near a timeout's worth.
  EXPECT_LT(moved_after, 6s);

  consumers.push_back(consumer(3));
  ASSERT_TRUE(eventually([&] { return balanced(snapshot(**admin), 3); }, 30s));
  auto s = snapshot(**admin);
  EXPECT_EQ(s.smallest_share, 4u);
}

TEST(Groups, TheCliConsumesAsAGroupAndResetsOffsetsOnlyWhenEmpty) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "3"}).exit_code, 0);
  produce_numbered(broker.address(), "t", 0, 300, 10);
  auto first = cli(broker.address(), {"consume", "t", "--group", "cg", "--count", "100"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  auto rest = cli(broker.address(), {"consume", "t", "--group", "cg", "--count", "1000", "--timeout-ms", "1500"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(std::count(first.out.begin(), first.out.end(), '\n'), 100);
  EXPECT_EQ(std::count(rest.out.begin(), rest.out.end(), '\n'), 200);  // resumes where the first stopped

  auto described = cli(broker.address(), {"groups", "describe", "cg"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_NE(described.out.find("Empty"), std::string::npos) << described.out;
  EXPECT_EQ(cli(broker.address(), {"groups", "list"}).out, "cg\n");

  ASSERT_EQ(cli(broker.address(), {"groups", "reset-offsets", "cg", "--topic", "t", "--to", "earliest"}).exit_code, 0);
  auto again = cli(broker.address(), {"consume", "t", "--group", "cg", "--count", "1000", "--timeout-ms", "1500"});
  EXPECT_EQ(std::count(again.out.begin(), again.out.end(), '\n'), 300);

  // A group with a live member refuses a reset.
  Child member({example("at_least_once_consumer"), broker.address(), "t", "cg", "/dev/null", "10000", "0"},
               tmp.path() / "member.log");
  auto admin = client::Admin::create({.broker = broker.address()});
  ASSERT_TRUE(eventually([&] { auto d = (*admin)->describe_group("cg"); return d && d->members.size() == 1; }, 20s));
  auto refused = cli(broker.address(), {"groups", "reset-offsets", "cg", "--topic", "t", "--to", "latest"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("NON_EMPTY_GROUP"), std::string::npos) << refused.err;
  EXPECT_EQ(cli(broker.address(), {"groups", "describe", "nope"}).exit_code, 4);
}

TEST(Groups, CommittedOffsetsSurviveABrokerCrash) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
  produce_numbered(broker.address(), "t", 0, 100, 7);
  {
    client::ConsumerConfig config;
    config.broker = broker.address();
    config.group_id = "durable";
    config.enable_auto_commit = false;
    auto consumer = client::Consumer::create(config);
    ASSERT_TRUE(consumer);
    ASSERT_TRUE((*consumer)->assign({{"t", 0}, {"t", 1}}).is_ok());
    ASSERT_TRUE((*consumer)->commit({{{"t", 0}, 11}, {{"t", 1}, 22}}).is_ok());
  }
  broker.kill9();
  broker.restart();
  client::ConsumerConfig config;
  config.broker = broker.address();
  config.group_id = "durable";
  auto consumer = client::Consumer::create(config);
  ASSERT_TRUE(consumer);
  auto c0 = (*consumer)->committed({"t", 0});
  auto c1 = (*consumer)->committed({"t", 1});
  ASSERT_TRUE(c0 && c1);
  EXPECT_EQ(*c0, std::optional<int64_t>(11));
  EXPECT_EQ(*c1, std::optional<int64_t>(22));
}

}  // namespace
}  // namespace cairn::testing
