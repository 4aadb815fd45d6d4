// The client's transactional producer against a real cairnd: a committed transaction's records
// and group offsets become visible, an aborted one's never do, and of two producers with the same
// transactional id the older one is fenced and nothing it writes afterwards becomes visible;
// `cairn produce --transactional-id`.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using client::ConsumerGroupMetadata;
using client::Producer;
using client::ProducerRecord;

class TransactionalProducer : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::vector<std::string>{});
    for (const char* topic : {"in", "out"}) {
      ASSERT_EQ(cli(broker->address(), {"topics", "create", topic, "--partitions", "1"}).exit_code,
                0);
    }
    auto lines = tmp.path() / "in-lines";
    std::ofstream(lines) << "1\n2\n3\n4\n5\n";
    ASSERT_EQ(cli(broker->address(), {"produce", "in"}, lines).exit_code, 0);
  }
  std::unique_ptr<Producer> producer(const std::string& transactional_id) {
    client::ProducerConfig c;
    c.broker = broker->address();
    c.transactional_id = transactional_id;
    c.linger = std::chrono::milliseconds(1);
    auto p = Producer::create(c);
    EXPECT_TRUE(p) << p.error().to_string();
    if (!p) return nullptr;
    Status s = (*p)->init_transactions();
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    return std::move(*p);
  }
  static ProducerRecord record(const std::string& value) {
    ProducerRecord r;
    r.topic = "out";
    r.partition = 0;
    r.value = value;
    return r;
  }
  // The values of `out`, as `cairn consume` prints them with this isolation.
  std::string values(const std::string& isolation) {
    auto r =
        cli(broker->address(), {"consume", "out", "-e", "--isolation", isolation, "-f", "{value}"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.out;
  }
  // The offset group `g` has committed for in/0, if any.
  std::optional<int64_t> committed() {
    client::ConsumerConfig c;
    c.broker = broker->address();
    c.group_id = "g";
    auto consumer = client::Consumer::create(c);
    EXPECT_TRUE(consumer) << consumer.error().to_string();
    if (!consumer) return std::nullopt;
    auto offset = (*consumer)->committed({"in", 0});
    EXPECT_TRUE(offset) << offset.error().to_string();
    return offset ? *offset : std::nullopt;
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(TransactionalProducer,
       ACommittedTransactionsRecordsAndOffsetsAreVisibleAndAnAbortedOnesNot) {
  auto p = producer("tx");
  ASSERT_TRUE(p);
  ConsumerGroupMetadata group{"g", -1, ""};
  ASSERT_TRUE(p->begin_transaction().is_ok());
  for (const char* v : {"a", "b", "c"}) ASSERT_TRUE(p->send(record(v), {}).is_ok());
  Status s = p->send_offsets_to_transaction({{{"in", 0}, 3}}, group);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  s = p->commit_transaction();
  ASSERT_TRUE(s.is_ok()) << s.to_string();

  ASSERT_TRUE(p->begin_transaction().is_ok());
  for (const char* v : {"x", "y"}) ASSERT_TRUE(p->send(record(v), {}).is_ok());
  s = p->send_offsets_to_transaction({{{"in", 0}, 5}}, group);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  ASSERT_TRUE(p->flush().is_ok());
  s = p->abort_transaction();
  ASSERT_TRUE(s.is_ok()) << s.to_string();

  ASSERT_TRUE(p->begin_transaction().is_ok());
  ASSERT_TRUE(p->send(record("d"), {}).is_ok());
  ASSERT_TRUE(p->commit_transaction().is_ok()) << "the producer goes on after an abort";

  EXPECT_EQ(values("read_committed"), "a\nb\nc\nd\n");
  EXPECT_EQ(values("read_uncommitted"), "a\nb\nc\nx\ny\nd\n");
  EXPECT_EQ(committed(), std::optional<int64_t>(3)) << "the aborted offsets were dropped";
}

TEST_F(TransactionalProducer,
       TheOlderOfTwoProducersWithOneTransactionalIdIsFencedAndItsLaterRecordsNeverShow) {
  auto zombie = producer("tx");
  ASSERT_TRUE(zombie);
  ASSERT_TRUE(zombie->begin_transaction().is_ok());
  ASSERT_TRUE(zombie->send(record("zombie-before")).get());

  auto successor = producer("tx");  // fences the zombie and aborts its open transaction
  ASSERT_TRUE(successor);

  auto late = zombie->send(record("zombie-after"));
  Status s = zombie->commit_transaction();
  EXPECT_EQ(s.code(), Status::Code::kFenced) << s.to_string();
  EXPECT_FALSE(late.get()) << "refused with the old epoch";
  EXPECT_EQ(zombie->begin_transaction().code(), Status::Code::kFenced) << "for good";

  ASSERT_TRUE(successor->begin_transaction().is_ok());
  ASSERT_TRUE(successor->send(record("successor"), {}).is_ok());
  ASSERT_TRUE(successor->commit_transaction().is_ok());

  EXPECT_EQ(values("read_committed"), "successor\n");
  EXPECT_EQ(values("read_uncommitted"), "zombie-before\nsuccessor\n");
}

TEST_F(TransactionalProducer,
       AProducerThatVanishesInATransactionHoldsReadCommittedBackOnlyItsTimeout) {
  client::ProducerConfig c;
  c.broker = broker->address();
  c.transactional_id = "vanishing";
  c.transaction_timeout = std::chrono::milliseconds(1500);
  auto vanishing = Producer::create(c);
  ASSERT_TRUE(vanishing) << vanishing.error().to_string();
  ASSERT_TRUE((*vanishing)->init_transactions().is_ok());
  ASSERT_TRUE((*vanishing)->begin_transaction().is_ok());
  ASSERT_TRUE((*vanishing)->send(record("never-committed")).get());
  auto began = std::chrono::steady_clock::now();
  // From here on it does nothing: neither commit nor abort.

  auto other = producer("other");
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->begin_transaction().is_ok());
  ASSERT_TRUE(other->send(record("after"), {}).is_ok());
  ASSERT_TRUE(other->commit_transaction().is_ok());

  // With -e, read_committed waits for the open transaction to end: its timeout aborts it.
  EXPECT_EQ(values("read_committed"), "after\n");
  auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_GE(waited, std::chrono::milliseconds(1500)) << "the open transaction held it back";
  // Not forever: the timeout, the housekeeping's check and the CLI's start, which a loaded
  // machine running sanitized binaries has stretched past 10 s.
  EXPECT_LT(waited, std::chrono::seconds(30)) << "no longer than the timeout and a check";
  EXPECT_EQ((*vanishing)->commit_transaction().code(), Status::Code::kFenced)
      << "the timeout's abort fenced it";
}

TEST_F(TransactionalProducer, CairnProduceCommitsATransactionEveryNRecordsAndAtEachBlankLine) {
  auto lines = tmp.path() / "lines";
  std::ofstream(lines) << "a\nb\nc\n\nd\n";
  auto r =
      cli(broker->address(),
          {"produce", "out", "--transactional-id", "cli", "--transaction-records", "2"}, lines);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(values("read_committed"), "a\nb\nc\nd\n");
  auto offsets = cli(broker->address(), {"consume", "out", "-e", "-f", "{offset}"});
  EXPECT_EQ(offsets.out, "0\n1\n3\n5\n") << "a commit marker after b, after c and after d";
  EXPECT_EQ(
      cli(broker->address(), {"produce", "out", "--transaction-records", "2"}, lines).exit_code, 2)
      << "--transaction-records needs a transactional id";
}

}  // namespace
}  // namespace cairn::testing
