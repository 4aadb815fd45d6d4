// The test that proves exactly-once (issue 11): the exactly_once example, a consume-transform-
// produce job, moves 200,000 records from `in` to `out` in transactions of random size (1 to
// 2,000 records) while the harness SIGKILLs it at random points (20 times) and SIGKILLs and
// restarts the broker (3 times, the job running). A final run drains what is left. Then a
// read_committed reader of `out` must see every input transformed exactly once (lost = 0,
// duplicates = 0), and a read_uncommitted reader must see aborted data, so the isolation is real:
// the transactions the kills left open (aborted when the next instance fenced them) and one
// aborted on purpose, as a fast job may have moved everything before a kill lands inside a
// transaction.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "cairn/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

constexpr int kRecords = 200'000;
constexpr int kJobKills = 20;
constexpr int kBrokerRestarts = 3;

struct Counts {
  std::vector<int> seen = std::vector<int>(kRecords, 0);
  int64_t lines = 0;
  int64_t strangers = 0;  // lines that are no transformed input
};

Counts count(const std::string& out) {
  Counts c;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    ++c.lines;
    if (!line.starts_with("t-")) {
      ++c.strangers;
      continue;
    }
    long v = std::atol(line.c_str() + 2);
    if (v < 0 || v >= kRecords) {
      ++c.strangers;
      continue;
    }
    ++c.seen[v];
  }
  return c;
}

TEST(ExactlyOnce, AJobKilledAtRandomAndABrokerRestartedMoveEveryRecordExactlyOnce) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  for (const char* topic : {"in", "out"}) {
    ASSERT_EQ(cli(broker.address(), {"topics", "create", topic, "--partitions", "2"}).exit_code, 0);
  }
  {
    std::ofstream input(tmp.path() / "input");
    for (int i = 0; i < kRecords; ++i) input << i << '\n';
  }
  ASSERT_EQ(cli(broker.address(), {"produce", "in"}, tmp.path() / "input").exit_code, 0);

  auto seed = std::random_device{}();
  std::mt19937 random(seed);
  std::printf("seed %u\n", seed);
  auto between = [&](int lo, int hi) {
    return std::chrono::milliseconds(std::uniform_int_distribution<int>(lo, hi)(random));
  };
  auto job = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv{CAIRN_EXACTLY_ONCE_PATH,
                                  broker.address(),
                                  "in",
                                  "out",
                                  "g",
                                  "job",
                                  "--transaction-records",
                                  "1-2000",
                                  "--session-timeout-ms",
                                  "1500"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<Child>(argv, tmp.path() / "job.err");
  };

  int restarts = 0;
  for (int kill = 0; kill < kJobKills; ++kill) {
    auto child = job({});
    std::this_thread::sleep_for(between(500, 3000));
    if (kill % 6 == 3 && restarts < kBrokerRestarts) {
      broker.kill9();
      broker.restart_on_same_port();
      ++restarts;
      std::this_thread::sleep_for(between(300, 2000));
    }
    child->signal(SIGKILL);
    child->wait(std::chrono::seconds(10));
  }
  ASSERT_EQ(restarts, kBrokerRestarts);
  auto before = cli(broker.address(),
                    {"consume", "out", "-e", "--isolation", "read_committed", "-f", "{value}"});
  int64_t moved_under_kills = count(before.out).lines;
  std::printf("committed while the job was being killed: %lld of %d\n",
              static_cast<long long>(moved_under_kills), kRecords);
  EXPECT_GT(moved_under_kills, 0) << "the kills hit a job at work";

  // Ten records of the input's form, in a transaction aborted on purpose.
  constexpr int kAbortedOnPurpose = 10;
  {
    client::ProducerConfig config;
    config.broker = broker.address();
    config.transactional_id = "aborted-on-purpose";
    auto producer = client::Producer::create(config);
    ASSERT_TRUE(producer) << producer.error().to_string();
    ASSERT_TRUE((*producer)->init_transactions().is_ok());
    ASSERT_TRUE((*producer)->begin_transaction().is_ok());
    for (int i = 0; i < kAbortedOnPurpose; ++i) {
      client::ProducerRecord r;
      r.topic = "out";
      r.value = "t-" + std::to_string(i);
      ASSERT_TRUE((*producer)->send(r, {}).is_ok());
    }
    // Stored before the abort: a batch not sent when the abort begins is dropped unsent.
    ASSERT_TRUE((*producer)->flush().is_ok());
    ASSERT_TRUE((*producer)->abort_transaction().is_ok());
    (*producer)->close();
  }

  // What is left: runs until idle (a run that fails is started again).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(150);
  std::optional<int> exit_code;
  while (exit_code != 0 && std::chrono::steady_clock::now() < deadline) {
    auto child = job({"--idle-exit-ms", "3000"});
    exit_code = child->wait(std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now()));
  }
  ASSERT_EQ(exit_code, 0) << read_file(tmp.path() / "job.err");

  auto committed =
      cli(broker.address(),
          {"consume", "out", "-e", "--isolation", "read_committed", "-f", "{value}"}, std::nullopt);
  ASSERT_EQ(committed.exit_code, 0) << committed.err;
  Counts c = count(committed.out);
  int64_t lost = 0, duplicates = 0;
  for (int n : c.seen) {
    if (n == 0) ++lost;
    if (n > 1) duplicates += n - 1;
  }
  auto uncommitted = cli(broker.address(), {"consume", "out", "-e", "-f", "{value}"});
  ASSERT_EQ(uncommitted.exit_code, 0) << uncommitted.err;
  int64_t aborted = count(uncommitted.out).lines - c.lines;
  std::printf(
      "job SIGKILLs %d, broker SIGKILL restarts %d; read_committed: %lld records, lost %lld, "
      "duplicates %lld; read_uncommitted sees %lld records of aborted transactions (%d aborted "
      "on purpose)\n",
      kJobKills, restarts, static_cast<long long>(c.lines), static_cast<long long>(lost),
      static_cast<long long>(duplicates), static_cast<long long>(aborted), kAbortedOnPurpose);
  EXPECT_EQ(lost, 0);
  EXPECT_EQ(duplicates, 0);
  EXPECT_EQ(c.strangers, 0);
  EXPECT_GE(aborted, kAbortedOnPurpose)
      << "read_uncommitted sees what the aborted transactions wrote";
}

}  // namespace
}  // namespace cairn::testing
