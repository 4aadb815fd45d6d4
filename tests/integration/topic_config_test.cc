// TopicConfig end to end: cairn topics alter / describe / create against a real cairnd, the
// settings persisted in topic.conf and taken live by the partitions.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l)) {
    if (l == line) return true;
  }
  return false;
}

// The start offset of `partition` in `cairn topics describe` output; -1 when not found.
int64_t start_offset(const std::string& describe, int32_t partition) {
  std::istringstream in(describe);
  std::string l;
  bool table = false;
  while (std::getline(in, l)) {
    std::istringstream row(l);
    if (!table) {
      std::string first;
      row >> first;
      table = first == "partition";
      continue;
    }
    int32_t p = -1;
    int64_t start = -1;
    if (row >> p >> start && p == partition) return start;
  }
  return -1;
}

TEST(TopicConfig, AlterChangesSettingsWhichDescribeShowsAndARestartKeeps) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "ledger"}).exit_code, 0);

  auto altered = cli(broker.address(),
                     {"topics", "alter", "ledger", "--set", "cleanup.policy=compact", "--set",
                      "min-cleanable-dirty-ratio=0.25", "--set", "compression=zstd"});
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  EXPECT_TRUE(has_line(altered.out, "  cleanup.policy=compact")) << altered.out;
  EXPECT_TRUE(has_line(altered.out, "  min.cleanable.dirty.ratio=0.25")) << altered.out;
  EXPECT_TRUE(has_line(altered.out, "  compression=zstd")) << altered.out;

  ASSERT_EQ(broker.stop(), 0) << broker.log();
  broker.restart();
  auto described = cli(broker.address(), {"topics", "describe", "ledger"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_TRUE(has_line(described.out, "  cleanup.policy=compact")) << described.out;
  EXPECT_TRUE(has_line(described.out, "  min.cleanable.dirty.ratio=0.25")) << described.out;
  EXPECT_TRUE(has_line(described.out, "  compression=zstd")) << described.out;
  EXPECT_NE(described.out.find("dirty"), std::string::npos) << described.out;
}

TEST(TopicConfig, PartitionsGrowAndTheNewOnesTakeRecordsAndSurviveARestart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "grows", "--partitions", "2"}).exit_code, 0);
  auto grown = cli(broker.address(), {"topics", "alter", "grows", "--set", "partitions=4"});
  ASSERT_EQ(grown.exit_code, 0) << grown.err;
  EXPECT_TRUE(has_line(grown.out, "  partitions=4")) << grown.out;
  auto fewer = cli(broker.address(), {"topics", "alter", "grows", "--set", "partitions=3"});
  EXPECT_EQ(fewer.exit_code, 1);
  EXPECT_NE(fewer.err.find("INVALID_PARTITIONS: partitions can only grow: the topic has 4"),
            std::string::npos)
      << fewer.err;
  write_file(tmp.path() / "in", "into-three\n");
  auto produced = cli(broker.address(), {"produce", "grows", "-p", "3"}, tmp.path() / "in");
  ASSERT_EQ(produced.exit_code, 0) << produced.err;

  ASSERT_EQ(broker.stop(), 0) << broker.log();
  broker.restart();
  auto described = cli(broker.address(), {"topics", "describe", "grows"});
  EXPECT_NE(described.out.find("grows: 4 partitions"), std::string::npos) << described.out;
  auto read = cli(broker.address(), {"consume", "grows", "-p", "3", "-e"});
  EXPECT_EQ(read.out, "into-three\n") << read.err;
}

TEST(TopicConfig, CreateTakesACleanupPolicyAndAnyOtherSetting) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto created = cli(broker.address(), {"topics", "create", "state", "--cleanup-policy", "compact",
                                        "--config", "delete.retention.ms=1000"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  auto described = cli(broker.address(), {"topics", "describe", "state"});
  ASSERT_EQ(described.exit_code, 0) << described.err;
  EXPECT_TRUE(has_line(described.out, "  cleanup.policy=compact")) << described.out;
  EXPECT_TRUE(has_line(described.out, "  delete.retention.ms=1000")) << described.out;
}

TEST(TopicConfig, AnUnknownKeyIsAUsageErrorNamingTheNearestKey) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto r = cli(broker.address(), {"topics", "alter", "t", "--set", "cleanup.polcy=compact"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean cleanup.policy?"), std::string::npos) << r.err;
}

TEST(TopicConfig, ABadValueOrFewerPartitionsAreRefusedAndNothingChanges) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto bad = cli(broker.address(), {"topics", "alter", "t", "--set", "retention.ms=60000", "--set",
                                    "cleanup.policy=shred"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("INVALID_CONFIG"), std::string::npos) << bad.err;
  EXPECT_NE(bad.err.find("shred"), std::string::npos) << bad.err;
  auto fewer = cli(broker.address(), {"topics", "alter", "t", "--set", "partitions=0"});
  EXPECT_EQ(fewer.exit_code, 1);
  EXPECT_NE(fewer.err.find("INVALID_PARTITIONS"), std::string::npos) << fewer.err;
  EXPECT_NE(fewer.err.find("not within 1 to"), std::string::npos) << fewer.err;
  auto unknown = cli(broker.address(), {"topics", "alter", "nope", "--set", "retention.ms=1"});
  EXPECT_EQ(unknown.exit_code, 4) << unknown.err;

  auto described = cli(broker.address(), {"topics", "describe", "t"});
  EXPECT_TRUE(has_line(described.out, "  retention.ms=-1")) << described.out;
  EXPECT_TRUE(has_line(described.out, "  cleanup.policy=delete")) << described.out;
}

TEST(TopicConfig, ARetentionChangeTakesEffectWithoutARestart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--retention-check-ms", "50"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--segment-bytes", "4096"}).exit_code,
            0);
  auto input = tmp.path() / "in.txt";
  {
    std::ofstream out(input);
    for (int i = 0; i < 2000; ++i) out << "value-" << i << "\n";
  }
  // Batches of at most 1 KiB, so the log rolls into many 4 KiB segments however fast the producer
  // is (a single batch of all 2,000 records would make a single segment).
  ASSERT_EQ(cli(broker.address(), {"produce", "t", "--batch-bytes", "1024"}, input).exit_code, 0);
  auto before = cli(broker.address(), {"topics", "describe", "t"});
  ASSERT_EQ(start_offset(before.out, 0), 0) << before.out;

  auto altered = cli(broker.address(), {"topics", "alter", "t", "--set", "retention.bytes=8192"});
  ASSERT_EQ(altered.exit_code, 0) << altered.err;
  int64_t start = 0;
  for (auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
       start <= 0 && std::chrono::steady_clock::now() < end;) {
    start = start_offset(cli(broker.address(), {"topics", "describe", "t"}).out, 0);
    if (start <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GT(start, 0);
}

}  // namespace
}  // namespace cairn::testing
