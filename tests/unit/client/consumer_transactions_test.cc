// A consumer reading transactions from a FakeBroker: read_committed asks Fetch v2 and returns
// only committed records; in either mode markers never reach the application and the position
// moves past them.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cairn/consumer.h"
#include "tests/support/fake_broker.h"
#include "tests/unit/client/fake_log.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::Consumer;
using client::ConsumerConfig;
using client::ConsumerRecord;
using protocol::ApiKey;

class ConsumerTransactionsTest : public ::testing::Test {
 protected:
  ConsumerTransactionsTest() {
    broker_.add_topic("t", 1);
    broker_.on(ApiKey::kFetch, [this](const FakeBroker::Request& r) { return log_.fetch(r); });
    broker_.on(ApiKey::kListOffsets,
               [this](const FakeBroker::Request& r) { return log_.list_offsets(r); });
    // 0 a, 1-2 producer 7's x y, 3 b, 4 7's abort, 5 producer 8's c, 6 8's commit.
    log_.append({"t", 0}, {"a"});
    log_.append_transactional({"t", 0}, 7, {"x", "y"});
    log_.append({"t", 0}, {"b"});
    log_.append_marker({"t", 0}, 7, /*commit=*/false);
    log_.append_transactional({"t", 0}, 8, {"c"});
    log_.append_marker({"t", 0}, 8, /*commit=*/true);
  }

  std::unique_ptr<Consumer> make(ConsumerConfig::Isolation isolation) {
    ConsumerConfig c;
    c.broker = broker_.address();
    c.auto_offset_reset = ConsumerConfig::OffsetReset::kEarliest;
    c.enable_auto_commit = false;
    c.fetch_max_wait = 10ms;
    c.retry_backoff = 5ms;
    c.retry_backoff_max = 20ms;
    c.isolation = isolation;
    auto consumer = Consumer::create(c);
    EXPECT_TRUE(consumer) << consumer.error().to_string();
    if (!consumer) return nullptr;
    EXPECT_TRUE((*consumer)->assign({{"t", 0}}).is_ok());
    return std::move(*consumer);
  }

  // Polls until the position of t/0 reaches `end` (or 3 s pass); the values returned meanwhile.
  static std::vector<std::string> values_until(Consumer& consumer, int64_t end) {
    std::vector<std::string> out;
    auto deadline = std::chrono::steady_clock::now() + 3s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto records = consumer.poll(20ms);
      EXPECT_TRUE(records) << records.error().to_string();
      if (!records) break;
      for (auto& r : *records) out.push_back(r.value.value_or(""));
      auto position = consumer.position({"t", 0});
      if (position && *position == end) break;
    }
    return out;
  }

  FakeLog log_;  // before the broker, whose handlers use it until it is destroyed
  FakeBroker broker_;
};

TEST_F(ConsumerTransactionsTest, ReadCommittedReturnsOnlyCommittedRecordsAndPassesTheMarkers) {
  auto consumer = make(ConsumerConfig::Isolation::kReadCommitted);
  ASSERT_TRUE(consumer);
  EXPECT_EQ(values_until(*consumer, 7), (std::vector<std::string>{"a", "b", "c"}));
  auto position = consumer->position({"t", 0});
  ASSERT_TRUE(position);
  EXPECT_EQ(*position, 7) << "past the last marker";
  EXPECT_EQ(log_.last_isolation_level(), 1);
  EXPECT_EQ(log_.last_fetch_version(), 2);
}

TEST_F(ConsumerTransactionsTest, ReadUncommittedReturnsEveryRecordButNoMarker) {
  auto consumer = make(ConsumerConfig::Isolation::kReadUncommitted);
  ASSERT_TRUE(consumer);
  EXPECT_EQ(values_until(*consumer, 7), (std::vector<std::string>{"a", "x", "y", "b", "c"}));
  auto position = consumer->position({"t", 0});
  ASSERT_TRUE(position);
  EXPECT_EQ(*position, 7);
  EXPECT_EQ(log_.last_isolation_level(), 0);
}

TEST_F(ConsumerTransactionsTest, ReadCommittedStopsAtAnOpenTransaction) {
  log_.append_transactional({"t", 0}, 9, {"open"});  // 7: open, holds the last stable offset
  log_.append({"t", 0}, {"after"});                  // 8
  auto consumer = make(ConsumerConfig::Isolation::kReadCommitted);
  ASSERT_TRUE(consumer);
  EXPECT_EQ(values_until(*consumer, 7), (std::vector<std::string>{"a", "b", "c"}));
  auto more = consumer->poll(50ms);
  ASSERT_TRUE(more);
  EXPECT_TRUE(more->empty());
  log_.append_marker({"t", 0}, 9, /*commit=*/true);  // 9
  EXPECT_EQ(values_until(*consumer, 10), (std::vector<std::string>{"open", "after"}));
}

}  // namespace
}  // namespace cairn::testing
