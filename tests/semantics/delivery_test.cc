// At-least-once and at-most-once, end to end: a consumer process (the client examples) is
// SIGKILLed at random points while it works through 200,000 records, and restarted. A last one
// runs until the group's committed offsets reach the end of every partition, and is then stopped
// (SIGTERM: it finishes the records in hand). Afterwards every record the consumers processed is
// counted: at-least-once must lose none (duplicates are counted and reported); at-most-once must
// process none twice (losses are counted and reported).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <random>
#include <set>

#include "tests/semantics/harness.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kRecords = 200'000;

struct Counts {
  size_t processed = 0;
  size_t unique = 0;
  size_t duplicates = 0;
  size_t lost = 0;
  int kills = 0;
};

Counts run(const std::string& example_name, uint64_t seed) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--group-rebalance-delay-ms", "50"});
  EXPECT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "4"}).exit_code, 0);
  produce_numbered(broker.address(), "t", 0, kRecords, 64);
  auto out = tmp.path() / "processed.txt";
  std::mt19937_64 rng(seed);
  Counts c;
  std::vector<std::string> base = {
      example(example_name), broker.address(), "t", "g", out.string(), "500"};
  for (int round = 0; round < 8; ++round) {
    auto args = base;
    args.push_back("0");
    Child consumer(args, tmp.path() / "consumer.log");
    std::this_thread::sleep_for(std::chrono::milliseconds(300 + rng() % 900));
    consumer.signal(SIGKILL);
    consumer.wait(10s);
    ++c.kills;
  }
  // A last consumer finishes the work: it may first wait out its killed predecessors' sessions
  // and a rebalance or two, however long that takes on a busy machine; the test waits for what
  // it means, the group's commits at the end of every partition.
  auto admin = client::Admin::create({.broker = broker.address()});
  EXPECT_TRUE(admin) << admin.error().to_string();
  std::set<std::string> killed_members;  // listed until their sessions end
  if (auto group = admin ? (*admin)->describe_group("g") : Status::unavailable("no admin")) {
    for (const auto& m : group->members) killed_members.insert(m.member_id);
  }
  auto args = base;
  args.push_back("0");
  Child last(args, tmp.path() / "consumer.log");
  // Also the last consumer's own membership, alone in the group: it joined after installing its
  // stop handler, so the SIGTERM below cannot find it still starting up (which it did when the
  // killed consumers had done all the work and one of them was still a member).
  auto committed_to_the_end = [&] {
    auto group = (*admin)->describe_group("g");
    if (!group || group->partitions.size() != 4) return false;
    if (group->state != "Stable" || group->members.size() != 1 ||
        killed_members.contains(group->members.front().member_id)) {
      return false;
    }
    return std::ranges::all_of(group->partitions, [](const client::GroupPartitionLag& p) {
      return p.committed == p.end_offset;
    });
  };
  EXPECT_TRUE(admin && eventually(committed_to_the_end, 180s))
      << "the group never committed every record; " << read_file(tmp.path() / "consumer.log");
  last.signal(SIGTERM);
  auto code = last.wait(60s);
  EXPECT_EQ(code, std::optional<int>(0)) << read_file(tmp.path() / "consumer.log");

  auto values = processed_values(out.string());
  std::set<std::string> unique(values.begin(), values.end());
  c.processed = values.size();
  c.unique = unique.size();
  c.duplicates = values.size() - unique.size();
  c.lost = static_cast<size_t>(kRecords) - unique.size();
  return c;
}

TEST(Delivery, AtLeastOnceLosesNothingAcrossConsumerKills) {
  Counts c = run("at_least_once_consumer", 11);
  std::cout << "at-least-once: " << c.kills << " SIGKILLs, " << kRecords << " records, processed "
            << c.processed << ", lost " << c.lost << ", duplicates " << c.duplicates << "\n";
  EXPECT_EQ(c.lost, 0u);
}

TEST(Delivery, AtMostOnceNeverProcessesARecordTwice) {
  Counts c = run("at_most_once_consumer", 12);
  std::cout << "at-most-once: " << c.kills << " SIGKILLs, " << kRecords << " records, processed "
            << c.processed << ", lost " << c.lost << ", duplicates " << c.duplicates << "\n";
  EXPECT_EQ(c.duplicates, 0u);
}

}  // namespace
}  // namespace cairn::testing
