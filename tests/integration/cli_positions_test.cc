// cairn consume positions and output as a kcat or rpk user writes them: -o beginning|end|N|-N|
// @TIME, -e (stop at the ends seen at start), -f with templates, kcat directives and json.
#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A broker with topic "t": partition 0 holds values 1..10, partition 1 values 11..20.
struct TwoPartitions {
  TempDir tmp;
  BrokerProcess broker{tmp.path() / "data"};
  TwoPartitions() {
    EXPECT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
    produce(0, 1, 10);
    produce(1, 11, 20);
  }
  void produce(int partition, int from, int to) {
    auto input = tmp.path() / "in.txt";
    {
      std::ofstream out(input);
      for (int v = from; v <= to; ++v) out << v << "\n";
    }
    auto r = cli(broker.address(), {"produce", "t", "--partition", std::to_string(partition)}, input);
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult consume(std::vector<std::string> args) {
    args.insert(args.begin(), {"consume", "t"});
    return cli(broker.address(), args);
  }
};

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

TEST(CliPositions, MinusNReadsTheLastNOfEachPartitionAndExitAtEndStops) {
  TwoPartitions t;
  auto r = t.consume({"-o", "-3", "-e", "-f", "{partition} {offset} {value}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sorted_lines(r.out), (std::vector<std::string>{"0 7 8", "0 8 9", "0 9 10", "1 7 18", "1 8 19", "1 9 20"}));
}

TEST(CliPositions, ExitAtEndReadsWhatWasThereAtStartAndAnEmptyTopicEndsAtOnce) {
  TwoPartitions t;
  auto all = t.consume({"--offset", "beginning", "--exit-at-end"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(sorted_lines(all.out).size(), 20u);
  auto none = t.consume({"-o", "end", "-e"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(none.out, "");
  auto group = t.consume({"-g", "readers", "-e"});
  ASSERT_EQ(group.exit_code, 0) << group.err;
  EXPECT_EQ(sorted_lines(group.out).size(), 20u);
}

TEST(CliPositions, ATimeStartsEachPartitionAtItsFirstRecordThatNew) {
  TwoPartitions t;
  // Records stamped after `since`: the clock moves on past the first ones first.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  int64_t since = now_ms();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  t.produce(0, 100, 102);
  auto r = t.consume({"-o", "@" + std::to_string(since), "-e", "-f", "{partition} {offset} {value}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(sorted_lines(r.out), (std::vector<std::string>{"0 10 100", "0 11 101", "0 12 102"}));
  EXPECT_EQ(sorted_lines(t.consume({"-o", "@-1h", "-e"}).out).size(), 23u);
  EXPECT_EQ(sorted_lines(t.consume({"-o", "@2000-01-01T00:00:00Z", "-e"}).out).size(), 23u);
  EXPECT_EQ(t.consume({"-o", "@2999-01-01", "-e"}).out, "");
}

TEST(CliPositions, FormatsKcatDirectivesAndJsonPrintOneLinePerRecord) {
  TwoPartitions t;
  auto kcat = t.consume({"-p", "0", "-o", "-2", "-e", "-f", "%t/%p@%o: %s\\n"});
  EXPECT_EQ(kcat.out, "t/0@8: 9\nt/0@9: 10\n") << kcat.err;
  auto braces = t.consume({"-p", "1", "-o", "9", "-e", "-f", "{topic}\\t{value}\\n"});
  EXPECT_EQ(braces.out, "t\t20\n") << braces.err;
  auto json = t.consume({"-p", "1", "-o", "-1", "-e", "-f", "json"});
  EXPECT_EQ(json.out.rfind(R"({"topic":"t","partition":1,"offset":9,"timestamp":)", 0), 0u) << json.out;
  EXPECT_NE(json.out.find(R"("key":null,"value":"20","headers":[]})" "\n"), std::string::npos) << json.out;
}

TEST(CliPositions, PositionMistakesAreUsageErrors) {
  TwoPartitions t;
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"-o", "soon"}, {"-o", "@yesterday"}, {"-g", "g", "-o", "-3"}, {"-p", "-3"}, {"--count", "-5"},
           {"-f", "{nope}"}}) {
    auto r = t.consume(args);
    EXPECT_EQ(r.exit_code, 2) << args[1] << ": " << r.err;
  }
}

TEST(CliRecords, HeadersAndAnEscapedKeySeparatorRoundTrip) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "h"}).exit_code, 0);
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << "user-1\t{\"id\": 1}\nno key here\n";
  auto produced = cli(broker.address(), {"produce", "h", "-K", "\\t", "-H", "trace=abc", "--header", "env=prod"}, input);
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  auto json = cli(broker.address(), {"consume", "h", "-e", "-f", "json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_NE(json.out.find(R"("key":"user-1","value":"{\"id\": 1}","headers":[{"key":"trace","value":"abc"},)"
                          R"({"key":"env","value":"prod"}]})"),
            std::string::npos)
      << json.out;
  EXPECT_NE(json.out.find(R"("key":null,"value":"no key here")"), std::string::npos) << json.out;
  auto template_ = cli(broker.address(), {"consume", "h", "-e", "-c", "1", "-f", "{key} [{headers}]"});
  EXPECT_EQ(template_.out, "user-1 [trace=abc,env=prod]\n");
  auto bad = cli(broker.address(), {"produce", "h", "-H", "novalue"}, input);
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

TEST(CliRecords, JsonLinesFromConsumeProduceTheSameRecords) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "a", "--partitions", "2"}).exit_code, 0);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "b", "--partitions", "2"}).exit_code, 0);
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << std::string("k1:caf\xe9 \"quoted\"\nk2:line\tzwei\nno key\n");
  ASSERT_EQ(cli(broker.address(), {"produce", "a", "-K", ":", "-H", "h=1"}, input).exit_code, 0);
  auto exported = cli(broker.address(), {"consume", "a", "-e", "-f", "json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto file = tmp.path() / "a.jsonl";
  std::ofstream(file) << exported.out;
  auto imported = cli(broker.address(), {"produce", "b", "--input", "json"}, file);
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto again = cli(broker.address(), {"consume", "b", "-e", "-f", "json"});
  std::string expected = exported.out;
  for (size_t at = expected.find(R"("topic":"a")"); at != std::string::npos; at = expected.find(R"("topic":"a")", at)) {
    expected.replace(at, 11, R"("topic":"b")");
  }
  EXPECT_EQ(sorted_lines(again.out), sorted_lines(expected));
  EXPECT_NE(exported.out.find("value_base64"), std::string::npos) << exported.out;

  std::ofstream(file) << "{\"colour\": \"blue\"}\n";
  auto wrong = cli(broker.address(), {"produce", "b", "--input", "json"}, file);
  EXPECT_EQ(wrong.exit_code, 6);
  EXPECT_NE(wrong.err.find("line 1: unknown field \"colour\""), std::string::npos) << wrong.err;
}

}  // namespace
}  // namespace cairn::testing
