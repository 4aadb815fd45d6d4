// cairn perf as a script uses it: --json is the only thing on stdout, and --count is exact.
#include <gtest/gtest.h>

#include <regex>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

TEST(CliPerf, JsonIsTheOnlyThingOnStdoutConsumeCountIsExactAndEachRunReportsItsCpu) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "p", "--partitions", "3"}).exit_code, 0);
  auto produced =
      cli(broker.address(), {"perf", "produce", "p", "--count", "3000", "--size", "20", "--json"});
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  static const std::regex one_object(R"(\{"mode":"produce",[^\n]*"count":3000,[^\n]*\}\n)");
  EXPECT_TRUE(std::regex_match(produced.out, one_object)) << produced.out;
  // Unpaced, every 16th record's latency is measured: records 0, 16, ..., 2992.
  EXPECT_NE(produced.out.find(R"("latency_us":{"count":188,)"), std::string::npos) << produced.out;

  // Three partitions of 1,000 each: a poll returns more than 1,500, yet 1,500 are counted.
  auto consumed = cli(broker.address(), {"perf", "consume", "p", "--count", "1500", "--json"});
  ASSERT_EQ(consumed.exit_code, 0) << consumed.err;
  static const std::regex exact(R"(\{"mode":"consume","topic":"p","count":1500,[^\n]*\}\n)");
  EXPECT_TRUE(std::regex_match(consumed.out, exact)) << consumed.out;

  auto human = cli(broker.address(), {"perf", "consume", "p", "--count", "1500"});
  EXPECT_NE(human.out.find("consume: 1500 records"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("RESULT mode=consume n=1500 "), std::string::npos) << human.out;

  // Each run reports its own CPU, so a reader sees when the client was the limit.
  EXPECT_NE(produced.out.find(R"("client_cpu":{"user_s":)"), std::string::npos) << produced.out;
  EXPECT_NE(human.out.find("client CPU "), std::string::npos) << human.out;
  static const std::regex cpu_fields(
      R"(RESULT mode=consume [^\n]* client_cpu_pct=\d+ client_ns_per_record=\d+\n)");
  EXPECT_TRUE(std::regex_search(human.out, cpu_fields)) << human.out;

  // In a group, the join (the coordinator's rebalance delay, 200 ms by default, and more) is
  // reported apart and the rate counts from the assignment on.
  auto grouped =
      cli(broker.address(), {"perf", "consume", "p", "--count", "1500", "--group", "perf-g"});
  ASSERT_EQ(grouped.exit_code, 0) << grouped.err;
  std::smatch join;
  ASSERT_TRUE(std::regex_search(grouped.out, join, std::regex(R"(join_ms=(\d+))"))) << grouped.out;
  EXPECT_GE(std::stoi(join[1]), 200) << grouped.out;
  EXPECT_NE(grouped.out.find("group perf-g, joined in "), std::string::npos) << grouped.out;
  EXPECT_NE(human.out.find(" join_ms=0 "), std::string::npos) << human.out;
}

}  // namespace
}  // namespace cairn::testing
