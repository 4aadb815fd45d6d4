// `cairn consume`, `cairn groups reset-offsets` and `cairn perf` against the real cairnd: where
// reading starts when asked for an offset outside a partition, and what a signal does to a
// running consumer or perf run.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Produces `count` records "v-0", "v-1", ... to one partition of `topic`.
void produce(const BrokerProcess& broker, const TempDir& tmp, const std::string& topic,
             int32_t partition, int count) {
  auto input = tmp.path() / "produce.txt";
  {
    std::ofstream out(input);
    for (int i = 0; i < count; ++i) out << "v-" << i << "\n";
  }
  auto r =
      cli(broker.address(), {"produce", topic, "--partition", std::to_string(partition)}, input);
  ASSERT_EQ(r.exit_code, 0) << r.err;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> range_lines(int64_t first, int64_t end) {
  std::vector<std::string> lines;
  for (int64_t o = first; o < end; ++o) lines.push_back(std::to_string(o));
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

  // 30 records: partition 0's 20..49, or, replayed from 0, some of partition 1's.
  auto r = cli(broker.address(), {"consume", "c", "--offset", "20", "--count", "30", "--timeout-ms",
                                  "30000", "--format", "{partition} {offset}"});
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
  auto one = cli(broker.address(), {"consume", "c", "--partition", "1", "--offset", "99", "--count",
                                    "1", "--timeout-ms", "500", "--format", "{offset}"});
  EXPECT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, "");
  EXPECT_NE(one.err.find("c-1"), std::string::npos) << one.err;
}

TEST(CliConsume, ResetOffsetsPastTheEndCommitsTheEndWithAWarning) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "r"}).exit_code, 0);
  produce(broker, tmp, "r", 0, 50);

  auto reset =
      cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "500"});
  EXPECT_EQ(reset.exit_code, 0) << reset.err;
  auto warnings = lines_of(reset.err);
  ASSERT_EQ(warnings.size(), 1u) << reset.err;
  EXPECT_NE(warnings[0].find("r-0"), std::string::npos) << reset.err;
  EXPECT_NE(warnings[0].find("[0, 50]"), std::string::npos) << reset.err;
  EXPECT_EQ(committed_offset(cli(broker.address(), {"groups", "describe", "g"}).out, "r"), 50);

  // The group reads on from the end, not from the start.
  produce(broker, tmp, "r", 0, 1);
  auto consumed = cli(broker.address(), {"consume", "r", "--group", "g", "--count", "1",
                                         "--timeout-ms", "30000", "--format", "{offset}"});
  EXPECT_EQ(consumed.exit_code, 0) << consumed.err;
  EXPECT_EQ(consumed.out, "50\n");

  // In range: committed as asked, without a warning.
  auto inside =
      cli(broker.address(), {"groups", "reset-offsets", "g", "--topic", "r", "--to", "7"});
  EXPECT_EQ(inside.exit_code, 0) << inside.err;
  EXPECT_EQ(inside.err, "");
  EXPECT_EQ(committed_offset(cli(broker.address(), {"groups", "describe", "g"}).out, "r"), 7);
}

// Starts `cairn consume TOPIC --group GROUP --format {offset}` with its output in files.
struct RunningConsumer {
  RunningConsumer(const BrokerProcess& broker, const TempDir& tmp, const std::string& topic,
                  const std::string& group)
      : out(tmp.path() / (group + ".out")),
        err(tmp.path() / (group + ".err")),
        child({cairn_path(), "--broker", broker.address(), "consume", topic, "--group", group,
               "--format", "{offset}"},
              err, {}, out) {}

  // Waits until it has printed at least one whole line.
  bool printing(std::chrono::milliseconds limit) {
    for (auto end = Clock::now() + limit; Clock::now() < end; std::this_thread::sleep_for(10ms)) {
      if (read_file(out).find('\n') != std::string::npos) return true;
      if (!child.running()) return false;
    }
    return false;
  }

  std::filesystem::path out;
  std::filesystem::path err;
  Child child;
};

TEST(CliConsume, AGroupConsumerStoppedBySignalCommitsWhatItPrintedAndLeavesTheGroup) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "s"}).exit_code, 0);
  constexpr int kRecords = 20'000;
  produce(broker, tmp, "s", 0, kRecords);

  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    SCOPED_TRACE(strsignal(sig));
    std::string group = "g" + std::to_string(sig);
    RunningConsumer consumer(broker, tmp, "s", group);
    ASSERT_TRUE(consumer.printing(60s)) << read_file(consumer.err);
    consumer.child.signal(sig);
    auto rc = consumer.child.wait(30s);
    ASSERT_TRUE(rc);
    EXPECT_EQ(*rc, 0) << read_file(consumer.err);
    auto printed = lines_of(read_file(consumer.out));
    ASSERT_FALSE(printed.empty());
    EXPECT_EQ(printed, range_lines(0, static_cast<int64_t>(printed.size())));

    // It committed exactly what it printed and left: no ghost member holds the partition.
    auto described = cli(broker.address(), {"groups", "describe", group});
    EXPECT_NE(described.out.find(", 0 members"), std::string::npos) << described.out;
    EXPECT_EQ(committed_offset(described.out, "s"), static_cast<int64_t>(printed.size()))
        << described.out;

    // A restart reads on from there: nothing printed twice, nothing left out.
    auto next = static_cast<int64_t>(printed.size());
    auto rest = cli(broker.address(),
                    {"consume", "s", "--group", group, "--count",
                     std::to_string(std::max<int64_t>(kRecords - next, 1)), "--timeout-ms",
                     next < kRecords ? "30000" : "2000", "--format", "{offset}"});
    EXPECT_EQ(rest.exit_code, 0) << rest.err;
    EXPECT_EQ(lines_of(rest.out), range_lines(next, kRecords));
  }
}

TEST(CliConsume, PerfProduceStoppedBySigintPrintsWhatItMeasured) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "p"}).exit_code, 0);
  auto out = tmp.path() / "perf.out";
  Child perf({cairn_path(), "--broker", broker.address(), "perf", "produce", "p", "--count",
              "100000000", "--rate", "2000"},
             tmp.path() / "perf.err", {}, out);
  // Wait until records arrive at the broker.
  bool producing = false;
  for (auto end = Clock::now() + 60s; !producing && Clock::now() < end;) {
    auto d = cli(broker.address(), {"topics", "describe", "p"});
    auto lines = lines_of(d.out);
    // The first partition row follows the table's header line.
    size_t first_row = lines.size();
    for (size_t i = 0; i + 1 < lines.size(); ++i) {
      if (lines[i].find("partition") != std::string::npos &&
          lines[i].find("start") != std::string::npos) {
        first_row = i + 1;
      }
    }
    std::istringstream row(first_row < lines.size() ? lines[first_row] : "");
    int64_t partition = -1, start = -1, end_offset = 0;
    row >> partition >> start >> end_offset;
    producing = end_offset > 0;
  }
  ASSERT_TRUE(producing);
  perf.signal(SIGINT);
  auto rc = perf.wait(30s);
  ASSERT_TRUE(rc);
  EXPECT_EQ(*rc, 0) << read_file(tmp.path() / "perf.err");
  auto printed = read_file(out);
  EXPECT_NE(printed.find("RESULT mode=produce"), std::string::npos) << printed;
  EXPECT_EQ(printed.find("n=100000000"), std::string::npos) << printed;
}

}  // namespace
}  // namespace cairn::testing
