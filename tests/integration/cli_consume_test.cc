// `cairn consume` and `cairn groups reset-offsets` against the real cairnd: where reading starts
// when asked for an offset outside a partition.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {


// Produces `count` records "v-0", "v-1", ... to one partition of `topic`.
void produce(const BrokerProcess& broker, const TempDir& tmp, const std::string& topic,
             int32_t partition, int count) {
  auto input = tmp.path() / "produce.txt";
  {
    std::ofstream out(input);
    for (int i = 0; i < count; ++i) out << "v-" << i << "\n";
  }
  auto r = cli(broker.address(), {"produce", topic, "--partition", std::to_string(partition)}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The committed offset of partition 0 of `topic` in `cairn groups describe` output, or -1.
int64_t committed_offset(const std::string& describe, const std::string& topic) {
  for (const auto& line : lines_of(describe)) {
    std::istringstream in(line);
    std::string t, committed;
    int32_t partition = -1;
    if (in >> t >> partition >> committed && t == topic && partition == 0) {
      return committed == "-" ? -1 : std::stoll(committed);
    }
  }
  return -1;
}

TEST(CliConsume, AnOffsetPastAPartitionsEndStartsThatPartitionAtItsEndWithAWarning) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "c", "--partitions", "2"}).exit_code, 0);
  produce(broker, tmp, "c", 0, 50);
  produce(broker, tmp, "c", 1, 10);

  auto r = cli(broker.address(), {"consume", "c", "--offset", "20", "--timeout-ms", "2000",
                                  "--format", "{partition} {offset}"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> expected;
  for (int o = 20; o < 50; ++o) expected.push_back("0 " + std::to_string(o));
  auto printed = lines_of(r.out);
  std::sort(printed.begin(), printed.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(printed, expected);  // nothing of partition 1: it was not replayed from 0
  auto warnings = lines_of(r.err);
  ASSERT_EQ(warnings.size(), 1u) << r.err;
  EXPECT_NE(warnings[0].find("c-1"), std::string::npos) << r.err;
  EXPECT_NE(warnings[0].find("[0, 10]"), std::string::npos) << r.err;
  EXPECT_NE(warnings[0].find("at 10"), std::string::npos) << r.err;

  // The same with one partition asked for.
  auto one = cli(broker.address(), {"consume", "c", "--partition", "1", "--offset", "99",
                                    "--count", "1", "--timeout-ms", "500", "--format", "{offset}"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "");
  EXPECT_NE(one.err.find("c-1"), std::string::npos) << one.err;
}

TEST(CliConsume, ResetOffsetsPastTheEndCommitsTheEndWithAWarning) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce(broker, tmp, "r", 0, 50);

  auto reset = cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "500"});
  EXPECT_EQ(reset.exit_code, 0) << reset.err;
  auto warnings = lines_of(reset.err);
  ASSERT_EQ(warnings.size(), 1u) << reset.err;
  EXPECT_NE(warnings[0].find("r-0"), std::string::npos) << reset.err;
  EXPECT_NE(warnings[0].find("[0, 50]"), std::string::npos) << reset.err;
  EXPECT_EQ(committed_offset(cli(broker.address(), {"groups", "describe", "g"}).out, "r"), 50);

  // The group reads on from the end, not from the start.
  auto consumed = cli(broker.address(), {"consume", "r", "--group", "g", "--timeout-ms", "1500"});
  EXPECT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_EQ(consumed.out, "");

  // In range: committed as asked, without a warning.
  auto inside = cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "7"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(inside.err, "");
  EXPECT_EQ(committed_offset(cli(broker.address(), {"groups", "describe", "g"}).out, "r"), 7);
}

}  // namespace
}  // namespace cairn::testing
