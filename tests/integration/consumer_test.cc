// The client Consumer against the real broker, for fetch behaviour the semantics tests do not
// reach: a partition with nothing to read must not hold up the ones that have data, and one that
// fails must not turn the fetch loop into a busy loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "protocol/frame.h"
#include "tests/support/broker_process.h"
#include "tests/support/loopback_proxy.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Consumer, AnEmptyPartitionDoesNotHoldUpOneWithData) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
  constexpr int kRecords = 500;
  {
    client::ProducerConfig pc;
    pc.broker = broker.address();
    auto producer = client::Producer::create(pc);
    ASSERT_TRUE(producer) << producer.error().to_string();
    for (int i = 0; i < kRecords; ++i) {
      client::ProducerRecord r;
      r.topic = "t";
      r.partition = 0;
      r.value = std::string(1000, static_cast<char>('a' + i % 26));
      ASSERT_TRUE((*producer)->send(r, nullptr).is_ok());
    }
    ASSERT_TRUE((*producer)->flush().is_ok());
  }
  // Small fetches, so partition 0 is often skipped for a full buffer while partition 1, at its
  // end, is all there is left to fetch. A long poll on partition 1 alone would park the
  // consumer for the whole max wait, again and again.
  client::ConsumerConfig config;
  config.broker = broker.address();
  config.max_partition_fetch_bytes = 16 * 1024;
  config.fetch_max_wait = 60s;
  config.max_poll_records = 5;
  auto consumer = client::Consumer::create(config);
  ASSERT_TRUE(consumer) << consumer.error().to_string();
  ASSERT_TRUE((*consumer)->assign({{"t", 0}, {"t", 1}}).is_ok());
  ASSERT_TRUE((*consumer)->seek_to_beginning({{"t", 0}, {"t", 1}}).is_ok());
  int64_t next = 0;
  auto give_up = Clock::now() + 30s;  // half the max wait: one stall fails the test
  while (next < kRecords && Clock::now() < give_up) {
    auto records = (*consumer)->poll(1s);
    ASSERT_TRUE(records) << records.error().to_string();
    for (const auto& r : *records) {
      ASSERT_EQ(r.topic_partition.partition, 0);
      ASSERT_EQ(r.offset, next++);
    }
  }
  EXPECT_EQ(next, kRecords);
}

// poll_views() hands out the records poll() copies: keys, values (null ones too), headers and
// timestamps, from plain and compressed batches, in the same order; each poll's views stay
// valid until the next poll.
TEST(Consumer, PollViewsHandsOutWhatPollCopies) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
  constexpr int kRecords = 400;
  for (auto codec : {client::Compression::kNone, client::Compression::kLz4}) {
    client::ProducerConfig pc;
    pc.broker = broker.address();
    pc.compression = codec;
    auto producer = client::Producer::create(pc);
    ASSERT_TRUE(producer) << producer.error().to_string();
    for (int i = 0; i < kRecords / 2; ++i) {
      client::ProducerRecord r;
      r.topic = "t";
      r.partition = i % 2;
      r.key = "k" + std::to_string(i);
      if (i % 7 != 0) r.value = std::string(50 + i % 100, static_cast<char>('a' + i % 26));
      if (i % 3 == 0) r.headers = {{"h", "v" + std::to_string(i)}, {"n", std::nullopt}};
      ASSERT_TRUE((*producer)->send(r, nullptr).is_ok());
    }
    ASSERT_TRUE((*producer)->flush().is_ok());
  }
  auto read = [&](bool views) {
    client::ConsumerConfig config;
    config.broker = broker.address();
    config.max_poll_records = 7;
    std::vector<client::ConsumerRecord> out;
    auto consumer = client::Consumer::create(config);
    EXPECT_TRUE(consumer) << consumer.error().to_string();
    if (!consumer) return out;
    std::vector<client::TopicPartition> tps{{"t", 0}, {"t", 1}};
    EXPECT_TRUE((*consumer)->assign(tps).is_ok());
    EXPECT_TRUE((*consumer)->seek_to_beginning(tps).is_ok());
    auto give_up = Clock::now() + 30s;
    while (out.size() < kRecords && Clock::now() < give_up) {
      if (!views) {
        auto records = (*consumer)->poll(1s);
        EXPECT_TRUE(records) << records.error().to_string();
        if (!records) break;
        out.insert(out.end(), records->begin(), records->end());
        continue;
      }
      auto records = (*consumer)->poll_views(1s);
      EXPECT_TRUE(records) << records.error().to_string();
      if (!records) break;
      for (const auto& v : *records) {
        client::ConsumerRecord& r = out.emplace_back();
        r.topic_partition = {std::string(v.topic), v.partition};
        r.offset = v.offset;
        r.timestamp = v.timestamp;
        if (v.key) r.key.emplace(*v.key);
        if (v.value) r.value.emplace(*v.value);
        for (const auto& h : v.headers) {
          r.headers.push_back(
              {std::string(h.key), h.value ? std::optional<std::string>(*h.value) : std::nullopt});
        }
      }
    }
    return out;
  };
  auto copied = read(false);
  auto viewed = read(true);
  ASSERT_EQ(copied.size(), static_cast<size_t>(kRecords));
  ASSERT_EQ(viewed.size(), copied.size());
  int with_headers = 0;
  for (size_t i = 0; i < copied.size(); ++i) {
    const auto& a = copied[i];
    const auto& b = viewed[i];
    EXPECT_EQ(a.topic_partition, b.topic_partition) << i;
    EXPECT_EQ(a.offset, b.offset) << i;
    EXPECT_EQ(a.timestamp, b.timestamp) << i;
    EXPECT_EQ(a.key, b.key) << i;
    EXPECT_EQ(a.value, b.value) << i;
    ASSERT_EQ(a.headers.size(), b.headers.size()) << i;
    for (size_t h = 0; h < a.headers.size(); ++h) {
      EXPECT_EQ(a.headers[h].key, b.headers[h].key) << i;
      EXPECT_EQ(a.headers[h].value, b.headers[h].value) << i;
    }
    with_headers += a.headers.empty() ? 0 : 1;
  }
  EXPECT_GT(with_headers, 0);
  EXPECT_TRUE(std::any_of(copied.begin(), copied.end(), [](const auto& r) { return !r.value; }));
}

TEST(Consumer, APartitionThatFailsIsRetriedWithBackoffWhileHealthyOnesKeepLongPolling) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  LoopbackProxy proxy(broker.port());
  client::ConsumerConfig config;
  config.broker = proxy.address();
  config.fetch_max_wait = 500ms;
  auto consumer = client::Consumer::create(config);
  ASSERT_TRUE(consumer) << consumer.error().to_string();
  const client::TopicPartition healthy{"t", 0}, missing{"t", 7};  // t has one partition
  ASSERT_TRUE((*consumer)->assign({healthy, missing}).is_ok());
  ASSERT_TRUE((*consumer)->seek(healthy, 0).is_ok());
  ASSERT_TRUE((*consumer)->seek(missing, 0).is_ok());

  // The broker answers a fetch with an errored partition at once; without a backoff the
  // consumer asks again at once, thousands of times a second. With it: the healthy partition's
  // long polls (one per 500 ms) plus retries of the missing one at 100 ms growing to 1 s.
  auto fetches = [&] { return proxy.requests(static_cast<uint16_t>(protocol::ApiKey::kFetch)); };
  auto window = 3s;
  int64_t before = fetches();
  for (auto end = Clock::now() + window; Clock::now() < end;) {
    auto records = (*consumer)->poll(200ms);
    ASSERT_TRUE(records) << records.error().to_string();
    EXPECT_TRUE(records->empty());
  }
  int64_t during = fetches() - before;
  EXPECT_LE(during, 30) << "fetch requests in " << window.count() << " s";
  EXPECT_GE(during, 3);  // the healthy partition was long-polled all along

  // The healthy partition is still read.
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << "one\ntwo\n";
  ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);
  std::vector<std::string> values;
  for (auto give_up = Clock::now() + 20s; values.size() < 2 && Clock::now() < give_up;) {
    auto records = (*consumer)->poll(200ms);
    ASSERT_TRUE(records) << records.error().to_string();
    for (const auto& r : *records) values.push_back(r.value.value_or(""));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"one", "two"}));
}

TEST(Consumer, APartitionWhosePositionCannotBeLookedUpDoesNotHoldUpTheOthers) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto input = tmp.path() / "in.txt";
  std::ofstream(input) << "one\ntwo\n";
  ASSERT_EQ(cli(broker.address(), {"produce", "t"}, input).exit_code, 0);
  LoopbackProxy proxy(broker.port());
  client::ConsumerConfig config;
  config.broker = proxy.address();
  config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
  auto consumer = client::Consumer::create(config);
  ASSERT_TRUE(consumer) << consumer.error().to_string();
  // Neither has a position: both are looked up (ListOffsets), and t-7 does not exist.
  ASSERT_TRUE((*consumer)->assign({{"t", 0}, {"t", 7}}).is_ok());
  std::vector<std::string> values;
  for (auto give_up = Clock::now() + 3s; Clock::now() < give_up;) {
    auto records = (*consumer)->poll(200ms);
    ASSERT_TRUE(records) << records.error().to_string();
    for (const auto& r : *records) values.push_back(r.value.value_or(""));
  }
  EXPECT_EQ(values, (std::vector<std::string>{"one", "two"}));
  // Looked up again with the same backoff, not once per poll.
  EXPECT_LE(proxy.requests(static_cast<uint16_t>(protocol::ApiKey::kListOffsets)), 10);
  auto position = (*consumer)->position({"t", 7});
  ASSERT_FALSE(position);
  EXPECT_NE(position.error().message().find("UNKNOWN_TOPIC_OR_PARTITION"), std::string::npos)
      << position.error().to_string();
}

}  // namespace
}  // namespace cairn::testing
