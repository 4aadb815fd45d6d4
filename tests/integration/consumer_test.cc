// The client Consumer against the real broker, for fetch behaviour the semantics tests do not
// reach: a partition with nothing to read must not hold up the ones that have data.
#include <gtest/gtest.h>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tests/support/broker_process.h"
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
      ASSERT_TRUE((*producer)->send(std::move(r), nullptr).is_ok());
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

}  // namespace
}  // namespace cairn::testing
