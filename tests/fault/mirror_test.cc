// `cairn mirror` as a child process between two real cairnd: the destination ends up with every
// source record (key, value, headers, timestamp, per partition in order) although the mirror is
// SIGKILLed again and again and either broker restarts under it; duplicates are allowed
// (at-least-once) and counted. Only topics the regex selects are copied.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <iostream>
#include <map>
#include <set>
#include <thread>

#include "cairn/admin.h"
#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using client::ConsumerRecord;
using client::TopicPartition;
using std::chrono::milliseconds;
using std::chrono::seconds;

std::unique_ptr<client::Admin> admin(const std::string& broker) {
  auto a = client::Admin::create({.broker = broker, .connect_timeout = seconds(2)});
  return a ? std::move(*a) : nullptr;
}

void create_topic(const std::string& broker, const std::string& topic, int32_t partitions) {
  auto a = admin(broker);
  ASSERT_TRUE(a);
  Status s = a->create_topic({topic, partitions, {}});
  ASSERT_TRUE(s.is_ok()) << s.to_string();
}

// Record i of a run: a unique value, a key (none for every 7th), two headers (one without a
// value) and a timestamp of its own, far from the present so a broker's clock cannot stand in.
client::ProducerRecord record(const std::string& topic, int32_t partitions, int64_t i) {
  client::ProducerRecord r;
  r.topic = topic;
  r.partition = static_cast<int32_t>(i % partitions);
  if (i % 7 != 0) r.key = "key-" + std::to_string(i % 1000);
  r.value = topic + "/" + std::to_string(i) + std::string(static_cast<size_t>(i % 50), 'x');
  r.headers = {{"seq", std::to_string(i)}, {"empty", std::nullopt}};
  r.timestamp = timestamp_from_millis(1'600'000'000'000 + i * 3);
  return r;
}

void produce(const std::string& broker, const std::string& topic, int32_t partitions, int64_t begin,
             int64_t end) {
  auto p = client::Producer::create({.broker = broker, .linger = milliseconds(10)});
  ASSERT_TRUE(p) << p.error().to_string();
  std::atomic<int64_t> failed{0};
  for (int64_t i = begin; i < end; ++i) {
    Status s = (*p)->send(record(topic, partitions, i),
                          [&failed](const Result<client::RecordMetadata>& m) {
                            if (!m) ++failed;
                          });
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
  ASSERT_TRUE((*p)->flush().is_ok());
  ASSERT_EQ(failed.load(), 0);
}

// The sum of a topic's high watermarks; 0 while the broker or the topic is not there.
int64_t records_in(const std::string& broker, const std::string& topic) {
  auto a = admin(broker);
  if (!a) return 0;
  auto d = a->describe_topic(topic);
  if (!d) return 0;
  int64_t sum = 0;
  for (const auto& p : d->partitions) sum += p.high_watermark;
  return sum;
}

// Whether `group` has committed the end offset of every partition of `topic`, `records` in all.
bool caught_up(const std::string& broker, const std::string& group, const std::string& topic,
               int64_t records) {
  auto a = admin(broker);
  if (!a) return false;
  auto g = a->describe_group(group);
  auto d = a->describe_topic(topic);
  if (!g || !d) return false;
  int64_t end = 0;
  std::map<int32_t, int64_t> committed;
  for (const auto& p : g->partitions) {
    if (p.topic_partition.topic == topic && p.committed)
      committed[p.topic_partition.partition] = *p.committed;
  }
  for (const auto& p : d->partitions) {
    end += p.high_watermark;
    if (committed[p.partition] != p.high_watermark) return false;
  }
  return end == records;
}

using TopicRecords = std::map<int32_t, std::vector<ConsumerRecord>>;

// Every record of `topic`, per partition in offset order.
TopicRecords read_topic(const std::string& broker, const std::string& topic) {
  TopicRecords out;
  auto a = admin(broker);
  EXPECT_TRUE(a);
  if (!a) return out;
  auto d = a->describe_topic(topic);
  EXPECT_TRUE(d) << d.error().to_string();
  if (!d) return out;
  client::ConsumerConfig config;
  config.broker = broker;
  config.enable_auto_commit = false;
  config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
  config.max_poll_records = 10000;
  auto c = client::Consumer::create(config);
  EXPECT_TRUE(c);
  if (!c) return out;
  std::vector<TopicPartition> tps;
  std::map<int32_t, int64_t> end;
  int64_t wanted = 0;
  for (const auto& p : d->partitions) {
    tps.push_back({topic, p.partition});
    end[p.partition] = p.high_watermark;
    out[p.partition];
    wanted += p.high_watermark - p.log_start_offset;
  }
  EXPECT_TRUE((*c)->assign(tps).is_ok());
  EXPECT_TRUE((*c)->seek_to_beginning(tps).is_ok());
  int64_t got = 0;
  auto deadline = std::chrono::steady_clock::now() + seconds(180);
  while (got < wanted && std::chrono::steady_clock::now() < deadline) {
    auto records = (*c)->poll(milliseconds(500));
    EXPECT_TRUE(records) << records.error().to_string();
    if (!records) break;
    for (auto& r : *records) {
      if (r.offset >= end[r.topic_partition.partition]) continue;
      out[r.topic_partition.partition].push_back(std::move(r));
      ++got;
    }
  }
  EXPECT_EQ(got, wanted) << "records read from " << topic;
  return out;
}

bool same_record(const ConsumerRecord& a, const ConsumerRecord& b) {
  if (a.key != b.key || a.value != b.value || a.timestamp != b.timestamp) return false;
  if (a.headers.size() != b.headers.size()) return false;
  for (size_t i = 0; i < a.headers.size(); ++i) {
    if (a.headers[i].key != b.headers[i].key || a.headers[i].value != b.headers[i].value)
      return false;
  }
  return true;
}

struct Comparison {
  int64_t source = 0;
  int64_t destination = 0;
  int64_t missing = 0;       // source records the destination lacks
  int64_t duplicates = 0;    // destination records that repeat an earlier one
  int64_t mismatched = 0;    // destination records unlike any source record of their partition
  int64_t out_of_order = 0;  // first copies not in the source's order
};

// The destination, partition by partition, must be the source with some records repeated.
Comparison compare(const TopicRecords& source, const TopicRecords& destination) {
  Comparison c;
  for (const auto& [partition, records] : destination) {
    c.destination += static_cast<int64_t>(records.size());
    if (!source.contains(partition)) c.mismatched += static_cast<int64_t>(records.size());
  }
  for (const auto& [partition, src] : source) {
    c.source += static_cast<int64_t>(src.size());
    std::map<std::string, size_t> index;  // values are unique within a run
    for (size_t i = 0; i < src.size(); ++i) index[src[i].value.value_or("")] = i;
    std::set<size_t> seen;
    size_t next_new = 0;
    auto it = destination.find(partition);
    if (it != destination.end()) {
      for (const auto& d : it->second) {
        auto at = index.find(d.value.value_or(""));
        if (at == index.end() || !same_record(src[at->second], d)) {
          ++c.mismatched;
          continue;
        }
        if (!seen.insert(at->second).second) {
          ++c.duplicates;
          continue;
        }
        if (at->second != next_new) ++c.out_of_order;
        next_new = at->second + 1;
      }
    }
    c.missing += static_cast<int64_t>(src.size() - seen.size());
  }
  return c;
}

// The mirror as a child process; each start writes its stderr to a file of its own.
class MirrorProcess {
 public:
  MirrorProcess(std::filesystem::path dir, std::vector<std::string> args)
      : dir_(std::move(dir)), args_(std::move(args)) {}

  void start() {
    std::vector<std::string> argv = {
        cairn_path(),           "mirror", "--status-interval-ms",  "500",
        "--commit-interval-ms", "200",    "--refresh-interval-ms", "500"};
    argv.insert(argv.end(), args_.begin(), args_.end());
    logs_.push_back(dir_ / ("mirror." + std::to_string(logs_.size()) + ".stderr"));
    child_ = std::make_unique<Child>(argv, logs_.back());
  }
  void kill9() {
    child_->signal(SIGKILL);
    ASSERT_EQ(child_->wait(seconds(30)), -SIGKILL);
  }
  std::optional<int> stop(int sig = SIGTERM) {
    child_->signal(sig);
    return child_->wait(seconds(90));
  }
  std::string stderr_text() const {
    std::string all;
    for (const auto& log : logs_) all += read_file(log);
    return all;
  }
  std::string current_stderr() const { return read_file(logs_.back()); }

 private:
  std::filesystem::path dir_;
  std::vector<std::string> args_;
  std::vector<std::filesystem::path> logs_;
  std::unique_ptr<Child> child_;
};

void expect_complete_copy(const Comparison& c, int64_t records) {
  EXPECT_EQ(c.source, records);
  EXPECT_EQ(c.missing, 0);
  EXPECT_EQ(c.mismatched, 0);
  EXPECT_EQ(c.out_of_order, 0);
  EXPECT_EQ(c.destination, c.source + c.duplicates);
}

// The third kill comes while the destination broker is down, which then restarts.
TEST(MirrorTest, EverySourceRecordReachesTheDestinationThoughTheMirrorIsKilledFiveTimes) {
  TempDir dir;
  BrokerProcess src(dir.path() / "src");
  BrokerProcess dst(dir.path() / "dst");
  constexpr int64_t kRecords = 200'000;
  constexpr int32_t kPartitions = 4;
  constexpr int kKills = 5;
  create_topic(src.address(), "orders", kPartitions);
  auto started = std::chrono::steady_clock::now();
  std::thread producer([&] { produce(src.address(), "orders", kPartitions, 0, kRecords); });
  MirrorProcess mirror(dir.path(),
                       {"--from", src.address(), "--to", dst.address(), "--topics", "orders"});
  mirror.start();
  for (int kill = 1; kill <= kKills; ++kill) {
    int64_t target = kRecords * kill / (kKills + 1);
    bool reached =
        eventually([&] { return records_in(dst.address(), "orders") >= target; }, seconds(300));
    if (!reached) {
      producer.join();
      FAIL() << "the destination never held " << target << " records; mirror said:\n"
             << mirror.stderr_text();
    }
    if (kill == 3) {
      // The destination goes away under the mirror, which reads on, and is killed before the
      // destination is back: nothing it read meanwhile may count as copied.
      dst.kill9();
      ASSERT_TRUE(eventually(
          [&] {
            return mirror.current_stderr().find("destination " + dst.address()) !=
                   std::string::npos;
          },
          seconds(60)))
          << mirror.current_stderr();
      mirror.kill9();
      dst.restart_on_same_port();
    } else {
      mirror.kill9();
    }
    mirror.start();
  }
  producer.join();
  ASSERT_TRUE(eventually(
      [&] { return caught_up(src.address(), "cairn-mirror", "orders", kRecords); }, seconds(300)))
      << mirror.stderr_text();
  EXPECT_EQ(mirror.stop(), 0) << mirror.current_stderr();
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_NE(mirror.current_stderr().find("stopped"), std::string::npos) << mirror.current_stderr();

  Comparison c = compare(read_topic(src.address(), "orders"), read_topic(dst.address(), "orders"));
  std::cout << "mirror with " << kKills << " SIGKILLs and a destination restart: " << c.source
            << " source records, " << c.destination << " at the destination, " << c.duplicates
            << " duplicates, " << c.missing << " missing, " << elapsed << " s\n";
  ::testing::Test::RecordProperty("records", std::to_string(c.source));
  ::testing::Test::RecordProperty("duplicates", std::to_string(c.duplicates));
  expect_complete_copy(c, kRecords);
}

TEST(MirrorTest, MirroringGoesOnWhenTheDestinationAndThenTheSourceRestart) {
  TempDir dir;
  BrokerProcess src(dir.path() / "src");
  BrokerProcess dst(dir.path() / "dst");
  constexpr int32_t kPartitions = 3;
  create_topic(src.address(), "clicks", kPartitions);
  produce(src.address(), "clicks", kPartitions, 0, 10'000);
  MirrorProcess mirror(dir.path(),
                       {"--from", src.address(), "--to", dst.address(), "--topics", "clicks"});
  mirror.start();
  ASSERT_TRUE(
      eventually([&] { return records_in(dst.address(), "clicks") >= 2'000; }, seconds(120)));

  dst.kill9();
  produce(src.address(), "clicks", kPartitions, 10'000, 20'000);
  ASSERT_TRUE(eventually(
      [&] {
        return mirror.current_stderr().find("destination " + dst.address()) != std::string::npos;
      },
      seconds(60)))
      << mirror.current_stderr();
  dst.restart_on_same_port();
  ASSERT_TRUE(eventually([&] { return caught_up(src.address(), "cairn-mirror", "clicks", 20'000); },
                         seconds(180)))
      << mirror.current_stderr();

  src.kill9();
  ASSERT_TRUE(eventually(
      [&] { return mirror.current_stderr().find("source " + src.address()) != std::string::npos; },
      seconds(60)))
      << mirror.current_stderr();
  src.restart_on_same_port();
  produce(src.address(), "clicks", kPartitions, 20'000, 30'000);
  ASSERT_TRUE(eventually([&] { return caught_up(src.address(), "cairn-mirror", "clicks", 30'000); },
                         seconds(180)))
      << mirror.current_stderr();
  EXPECT_EQ(mirror.stop(SIGINT), 0) << mirror.current_stderr();

  Comparison c = compare(read_topic(src.address(), "clicks"), read_topic(dst.address(), "clicks"));
  std::cout << "mirror across a destination and a source restart: " << c.source << " records, "
            << c.duplicates << " duplicates\n";
  expect_complete_copy(c, 30'000);
}

// The sum of the offsets `group` committed for `topic`.
int64_t committed_sum(const std::string& broker, const std::string& group,
                      const std::string& topic) {
  auto a = admin(broker);
  if (!a) return -1;
  auto g = a->describe_group(group);
  if (!g) return -1;
  int64_t sum = 0;
  for (const auto& p : g->partitions) {
    if (p.topic_partition.topic == topic && p.committed) sum += *p.committed;
  }
  return sum;
}

TEST(MirrorTest, AStopSignalMidRunCommitsEverythingAcknowledgedSoARestartCopiesNothingTwice) {
  // Enough that the stop, sent once 5,000 records are across, comes before the copy ends.
  constexpr int64_t kRecords = 240'000;
  TempDir dir;
  BrokerProcess src(dir.path() / "src");
  BrokerProcess dst(dir.path() / "dst");
  create_topic(src.address(), "events", 2);
  produce(src.address(), "events", 2, 0, kRecords);
  MirrorProcess mirror(dir.path(),
                       {"--from", src.address(), "--to", dst.address(), "--topics", "events"});
  mirror.start();
  ASSERT_TRUE(
      eventually([&] { return records_in(dst.address(), "events") >= 5'000; }, seconds(120)));
  EXPECT_EQ(mirror.stop(), 0) << mirror.current_stderr();
  int64_t copied = records_in(dst.address(), "events");
  EXPECT_LT(copied, kRecords) << "the stop came after the copy had ended";
  EXPECT_EQ(committed_sum(src.address(), "cairn-mirror", "events"), copied);
  EXPECT_NE(mirror.current_stderr().find("stopped"), std::string::npos) << mirror.current_stderr();

  mirror.start();
  ASSERT_TRUE(eventually(
      [&] { return caught_up(src.address(), "cairn-mirror", "events", kRecords); }, seconds(120)))
      << mirror.current_stderr();
  EXPECT_EQ(mirror.stop(SIGINT), 0) << mirror.current_stderr();
  Comparison c = compare(read_topic(src.address(), "events"), read_topic(dst.address(), "events"));
  EXPECT_EQ(c.duplicates, 0);
  expect_complete_copy(c, kRecords);
}

TEST(MirrorTest, RecordsTheDestinationNeverAcknowledgedInTimeAreReadAndSentAgain) {
  TempDir dir;
  BrokerProcess src(dir.path() / "src");
  BrokerProcess dst(dir.path() / "dst");
  create_topic(src.address(), "logs", 2);
  produce(src.address(), "logs", 2, 0, 5'000);
  MirrorProcess mirror(dir.path(), {"--from", src.address(), "--to", dst.address(), "--topics",
                                    "logs", "--delivery-timeout-ms", "1500"});
  mirror.start();
  ASSERT_TRUE(eventually([&] { return caught_up(src.address(), "cairn-mirror", "logs", 5'000); },
                         seconds(120)))
      << mirror.current_stderr();
  dst.kill9();
  produce(src.address(), "logs", 2, 5'000, 15'000);
  ASSERT_TRUE(eventually(
      [&] {
        return mirror.current_stderr().find("again from the first unacknowledged") !=
               std::string::npos;
      },
      seconds(60)))
      << mirror.current_stderr();
  EXPECT_EQ(committed_sum(src.address(), "cairn-mirror", "logs"), 5'000);
  dst.restart_on_same_port();
  ASSERT_TRUE(eventually([&] { return caught_up(src.address(), "cairn-mirror", "logs", 15'000); },
                         seconds(120)))
      << mirror.current_stderr();
  EXPECT_EQ(mirror.stop(), 0) << mirror.current_stderr();
  expect_complete_copy(
      compare(read_topic(src.address(), "logs"), read_topic(dst.address(), "logs")), 15'000);
}

TEST(MirrorTest, OnlyTopicsTheRegexSelectsAreMirroredWithTheSourcePartitionCounts) {
  TempDir dir;
  BrokerProcess src(dir.path() / "src");
  BrokerProcess dst(dir.path() / "dst");
  create_topic(src.address(), "orders.eu", 3);
  create_topic(src.address(), "orders.us", 2);
  create_topic(src.address(), "orders.asia", 2);
  create_topic(src.address(), "payments", 2);
  create_topic(src.address(), "orders", 1);       // the regex wants a dot
  create_topic(dst.address(), "orders.us", 1);    // fewer partitions: refused
  create_topic(dst.address(), "orders.asia", 4);  // more: the extra two stay empty
  for (const auto& [topic, partitions] : std::map<std::string, int32_t>{{"orders.eu", 3},
                                                                        {"orders.us", 2},
                                                                        {"orders.asia", 2},
                                                                        {"payments", 2},
                                                                        {"orders", 1}}) {
    produce(src.address(), topic, partitions, 0, 1'000);
  }
  MirrorProcess mirror(dir.path(), {"--from", src.address(), "--to", dst.address(), "--topics",
                                    "orders\\..*", "--group", "eu-to-central"});
  mirror.start();
  ASSERT_TRUE(eventually(
      [&] {
        return caught_up(src.address(), "eu-to-central", "orders.eu", 1'000) &&
               caught_up(src.address(), "eu-to-central", "orders.asia", 1'000);
      },
      seconds(120)))
      << mirror.current_stderr();
  // A matching topic made while the mirror runs is picked up too.
  create_topic(src.address(), "orders.late", 2);
  produce(src.address(), "orders.late", 2, 0, 500);
  ASSERT_TRUE(eventually(
      [&] { return caught_up(src.address(), "eu-to-central", "orders.late", 500); }, seconds(120)))
      << mirror.current_stderr();
  EXPECT_EQ(mirror.stop(), 0) << mirror.current_stderr();

  auto a = admin(dst.address());
  ASSERT_TRUE(a);
  auto names = a->list_topics();
  ASSERT_TRUE(names);
  std::set<std::string> at_destination(names->begin(), names->end());
  EXPECT_FALSE(at_destination.contains("payments"));
  EXPECT_FALSE(at_destination.contains("orders"));
  auto eu = a->describe_topic("orders.eu");
  ASSERT_TRUE(eu);
  EXPECT_EQ(eu->partitions.size(), 3u);
  expect_complete_copy(
      compare(read_topic(src.address(), "orders.eu"), read_topic(dst.address(), "orders.eu")),
      1'000);
  expect_complete_copy(
      compare(read_topic(src.address(), "orders.late"), read_topic(dst.address(), "orders.late")),
      500);
  auto asia = read_topic(dst.address(), "orders.asia");
  EXPECT_TRUE(asia[2].empty());
  EXPECT_TRUE(asia[3].empty());
  expect_complete_copy(compare(read_topic(src.address(), "orders.asia"), asia), 1'000);
  EXPECT_EQ(records_in(dst.address(), "orders.us"), 0);
  EXPECT_NE(mirror.stderr_text().find("'orders.us' has 2 partitions at the source but only 1"),
            std::string::npos)
      << mirror.stderr_text();
}

TEST(MirrorTest, AnInvalidRegexIsAUsageError) {
  auto r = run_program({cairn_path(), "mirror", "--from", "127.0.0.1:1", "--to", "127.0.0.1:2",
                        "--topics", "orders("});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("not a valid regex"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace cairn::testing
