// The real cairnd and cairn programs end to end: topics, 100,000 records through produce and
// consume, a restart, and the CLI's errors and exit codes.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "cairn/partitioner.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

struct Consumed {
  int32_t partition;
  int64_t offset;
  std::string key;
  std::string value;
  bool operator<(const Consumed& o) const {
    return std::tie(partition, offset) < std::tie(o.partition, o.offset);
  }
};

std::vector<Consumed> parse(const std::string& out) {
  std::vector<Consumed> records;
  std::istringstream in(out);
  Consumed c;
  while (in >> c.partition >> c.offset >> c.key >> c.value) records.push_back(c);
  return records;
}

TEST(Cli, AHundredThousandRecordsRoundTripInOrderAndSurviveARestart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto created = cli(broker.address(), {"topics", "create", "orders", "--partitions", "4"});
  ASSERT_EQ(created.exit_code, 0) << created.err;

  constexpr int kRecords = 100'000;
  auto input = tmp.path() / "input.txt";
  {
    std::ofstream out(input);
    for (int i = 0; i < kRecords; ++i) out << "key-" << (i % 997) << ":value-" << i << "\n";
  }
  auto produced = cli(broker.address(), {"produce", "orders", "--key-separator", ":"}, input);
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  EXPECT_EQ(produced.out, "");

  auto consume = [&] {
    auto r = cli(broker.address(), {"consume", "orders", "--count", std::to_string(kRecords),
                                    "--timeout-ms", "10000", "--format",
                                    "{partition} {offset} {key} {value}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto records = parse(r.out);
    std::sort(records.begin(), records.end());
    return records;
  };
  auto first = consume();
  ASSERT_EQ(first.size(), static_cast<size_t>(kRecords));

  // Every partition holds offsets 0..n-1; every key went to its hash partition; within a
  // partition, records keep the order they were produced in.
  std::map<int32_t, int64_t> next_offset;
  std::map<int32_t, int> last_value;
  for (const auto& c : first) {
    EXPECT_EQ(c.offset, next_offset[c.partition]++) << "partition " << c.partition;
    EXPECT_EQ(c.partition, client::partition_for_key(protocol::as_bytes(c.key), 4)) << c.key;
    int v = std::stoi(c.value.substr(6));
    auto it = last_value.find(c.partition);
    if (it != last_value.end()) {
      EXPECT_GT(v, it->second);
    }
    last_value[c.partition] = v;
  }
  EXPECT_EQ(next_offset.size(), 4u);

  ASSERT_EQ(broker.stop(), 0) << broker.log();
  broker.restart();
  auto second = consume();
  ASSERT_EQ(second.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    ASSERT_EQ(second[i].partition, first[i].partition);
    ASSERT_EQ(second[i].offset, first[i].offset);
    ASSERT_EQ(second[i].value, first[i].value);
  }
}

TEST(Cli, TopicsCanBeListedDescribedAndDeleted) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "b-topic", "--fsync", "interval:50",
                                   "--retention-ms", "60000"}).exit_code, 0);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "a-topic", "--partitions", "3"}).exit_code, 0);
  auto dup = cli(broker.address(), {"topics", "create", "a-topic"});
  EXPECT_EQ(dup.exit_code, 1);
  EXPECT_NE(dup.err.find("TOPIC_ALREADY_EXISTS"), std::string::npos) << dup.err;
  EXPECT_EQ(cli(broker.address(), {"topics", "list"}).out, "a-topic\nb-topic\n");
  auto described = cli(broker.address(), {"topics", "describe", "b-topic"});
  EXPECT_EQ(described.exit_code, 0);
  EXPECT_NE(described.out.find("interval:50"), std::string::npos) << described.out;
  EXPECT_NE(described.out.find("60000 ms"), std::string::npos) << described.out;
  ASSERT_EQ(cli(broker.address(), {"topics", "delete", "a-topic"}).exit_code, 0);
  EXPECT_EQ(cli(broker.address(), {"topics", "list"}).out, "b-topic\n");
  EXPECT_FALSE(std::filesystem::exists(tmp.path() / "data" / "topics" / "a-topic"));
  // Settings and the deletion survive a restart.
  ASSERT_EQ(broker.stop(), 0);
  broker.restart();
  EXPECT_EQ(cli(broker.address(), {"topics", "list"}).out, "b-topic\n");
  EXPECT_NE(cli(broker.address(), {"topics", "describe", "b-topic"}).out.find("interval:50"),
            std::string::npos);
}

TEST(Cli, ErrorsGetOneClearLineAndADistinctExitCode) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto unknown = cli(broker.address(), {"consume", "nope", "--timeout-ms", "100"});
  EXPECT_EQ(unknown.exit_code, 4);
  EXPECT_EQ(unknown.err, "cairn: unknown topic 'nope' (cairn topics create nope makes it)\n");
  auto unreachable = cli("127.0.0.1:1", {"topics", "list"});
  EXPECT_EQ(unreachable.exit_code, 3);
  EXPECT_NE(unreachable.err.find("cannot reach broker"), std::string::npos) << unreachable.err;
  EXPECT_EQ(cli(broker.address(), {"topics", "create"}).exit_code, 2);
  EXPECT_EQ(cli(broker.address(), {"consume", "x", "--offset", "soon"}).exit_code, 2);
  EXPECT_EQ(cli(broker.address(), {"topics", "create", "bad/name"}).exit_code, 1);
  EXPECT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "0"}).exit_code, 1);
  auto help = cli(broker.address(), {"produce", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--key-separator"), std::string::npos);
}

TEST(Cli, ASecondBrokerOnTheSameDataDirectoryRefusesToStart) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  auto second = run_program({cairnd_path(), "--listen", "127.0.0.1:0", "--data-dir",
                             (tmp.path() / "data").string()});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("is in use by another cairnd (pid " +
                            std::to_string(broker.child().pid()) + ")"),
            std::string::npos)
      << second.err;
}

TEST(Cli, ProduceReportsRecordsThatWereNotAcknowledged) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--max-frame-bytes", "2048"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto input = tmp.path() / "big.txt";
  std::ofstream(input) << std::string(4000, 'x') << "\n";
  auto r = cli(broker.address(), {"produce", "t"}, input);
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("1 of 1 records were not acknowledged"), std::string::npos) << r.err;
}

TEST(Cli, LogRepairBringsBackAPartitionWithCorruptionInTheMiddle) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  BrokerProcess broker(data);
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  for (int batch = 0; batch < 3; ++batch) {  // one batch per produce run
    auto input = tmp.path() / "in.txt";
    {
      std::ofstream out(input);
      for (int i = 0; i < 10; ++i) out << "value-" << batch * 10 + i << "\n";
    }
    ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);
  }
  ASSERT_EQ(broker.stop(), 0) << broker.log();

  // Flip a byte in the middle of the second batch, found through `log dump`.
  auto partition = data / "topics" / "t" / "0";
  auto dump = run_program({cairn_path(), "log", "dump", partition.string()});
  ASSERT_EQ(dump.exit_code, 0) << dump.err;
  std::vector<std::pair<uint64_t, uint64_t>> batches;  // position, length
  std::istringstream lines(dump.out);
  for (std::string line; std::getline(lines, line);) {
    auto at = line.find(" position ");
    if (line.find("  batch offsets") != 0 || at == std::string::npos) continue;
    std::istringstream fields(line.substr(at));
    std::string word;
    uint64_t position = 0, length = 0;
    fields >> word >> position >> word >> length;
    batches.emplace_back(position, length);
  }
  ASSERT_EQ(batches.size(), 3u) << dump.out;
  auto segment = partition / "00000000000000000000.log";
  auto bytes = read_file(segment);
  bytes[batches[1].first + batches[1].second / 2] ^= 0x20;
  write_file(segment, bytes);

  broker.restart();
  // The broker still serves it; a reader gets the first batch, then stops at the damage.
  auto damaged = cli(broker.address(), {"consume", "t", "--count", "11", "--timeout-ms", "2000",
                                        "--format", "{offset}"});
  EXPECT_EQ(damaged.exit_code, 5) << damaged.err;
  EXPECT_EQ(damaged.out, "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n");
  // Not while the broker runs.
  auto busy = run_program({cairn_path(), "log", "repair", partition.string(), "--yes"});
  EXPECT_EQ(busy.exit_code, 1);
  EXPECT_NE(busy.err.find("in use by a running cairnd"), std::string::npos) << busy.err;
  ASSERT_EQ(broker.stop(), 0) << broker.log();

  auto missing = run_program({cairn_path(), "log", "repair", (tmp.path() / "nope").string()});
  EXPECT_EQ(missing.exit_code, 4) << missing.err;
  auto dry = run_program({cairn_path(), "log", "repair", partition.string()});
  EXPECT_EQ(dry.exit_code, 5) << dry.err;
  EXPECT_NE(dry.out.find("would cut the log at offset 10"), std::string::npos) << dry.out;
  EXPECT_EQ(read_file(segment), bytes);
  auto applied = run_program({cairn_path(), "log", "repair", partition.string(), "--yes"});
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  EXPECT_NE(applied.out.find("cut the log at offset 10"), std::string::npos) << applied.out;

  broker.restart();
  auto input = tmp.path() / "more.txt";
  std::ofstream(input) << "after-repair\n";
  ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);
  auto back = cli(broker.address(), {"consume", "t", "--count", "11", "--timeout-ms", "10000",
                                     "--format", "{offset} {value}"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  std::string expected;
  for (int i = 0; i < 10; ++i) expected += std::to_string(i) + " value-" + std::to_string(i) + "\n";
  expected += "10 after-repair\n";
  EXPECT_EQ(back.out, expected);
}

}  // namespace
}  // namespace cairn::testing
