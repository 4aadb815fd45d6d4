// The record accumulator's share of compression (a batch closed while the sender is compressing
// others is compressed by the thread that closed it, and the sender takes it sealed, in order),
// and its rule for a batch that lingered without filling: it waits for its partition's answers.
#include "client/src/record_accumulator.h"

#include <gtest/gtest.h>

#include <string>

#include "protocol/record_batch.h"

namespace cairn::testing {
namespace {

using namespace std::chrono_literals;
using client::BatchPtr;
using client::ProducerBatch;
using client::ProducerConfig;
using client::ProducerRecord;
using client::RecordAccumulator;
using client::TopicPartition;

class RecordAccumulatorTest : public ::testing::Test {
 protected:
  RecordAccumulatorTest() : acc_(config()) { acc_.set_codec(protocol::Compression::kZstd); }

  static ProducerConfig config() {
    ProducerConfig c;
    c.batch_bytes = 300;
    c.linger = 1h;  // only full batches are drained
    return c;
  }

  std::vector<BatchPtr> drain() {
    auto next = client::SteadyTime::max();
    return acc_.drain(
        std::chrono::steady_clock::now(), 5, [](const TopicPartition&) { return size_t{0}; }, next);
  }

  RecordAccumulator acc_;
  int n_ = 0;
  client::Producer::Callback none_;
};

TEST_F(RecordAccumulatorTest, ABatchClosedWhileTheSenderIsIdleIsLeftForTheSenderToCompress) {
  for (int i = 0; i < 30; ++i) {
    ProducerRecord r{"t", std::nullopt, "value-" + std::to_string(i), {}, 0, std::nullopt};
    ASSERT_TRUE(acc_.append(r, 1, none_));
  }
  auto drained = drain();
  ASSERT_FALSE(drained.empty());
  for (const auto& b : drained) {
    EXPECT_EQ(b->sealing, ProducerBatch::Sealing::kNo);
    EXPECT_GT(b->builder.record_count(), 0);
  }
}

TEST_F(RecordAccumulatorTest, ABatchClosedWhileTheSenderCompressesIsCompressedByTheAppender) {
  auto append_until_drained = [this] {
    std::vector<BatchPtr> out;
    for (int i = 0; i < 100 && out.empty(); ++i) {
      ProducerRecord r{
          "t", std::nullopt, R"({"event":"click","n":)" + std::to_string(n_++) + "}", {},
          0,   std::nullopt};
      EXPECT_TRUE(acc_.append(r, 1, none_));
      out = drain();
    }
    return out;
  };
  auto first = append_until_drained();  // the sender now compresses this one
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0]->sealing, ProducerBatch::Sealing::kNo);
  int32_t first_records = first[0]->builder.record_count();

  auto second = append_until_drained();
  ASSERT_EQ(second.size(), 1u);
  const ProducerBatch& b = *second[0];
  EXPECT_EQ(b.sealing, ProducerBatch::Sealing::kDone);
  EXPECT_TRUE(b.builder.empty());
  ASSERT_GT(b.record_count, 0);
  auto view = protocol::RecordBatchView::parse(b.compressed, protocol::Verify::kStored);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_EQ(view->header().compression(), protocol::Compression::kZstd);
  EXPECT_EQ(view->header().record_count, b.record_count);
  EXPECT_TRUE(view->validate_records().is_ok());
  EXPECT_GE(first_records, 1);

  acc_.sender_sealed(1);  // the sender is done: it takes the next batch as it is again
  auto third = append_until_drained();
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(third[0]->sealing, ProducerBatch::Sealing::kNo);
}

TEST_F(RecordAccumulatorTest, ATopicsPartitionCountIsNeededOnlyForItsFirstRecord) {
  ProducerRecord r{"t", std::nullopt, "v", {}, std::nullopt, std::nullopt};
  bool called = false;
  client::Producer::Callback done = [&called](const Result<client::RecordMetadata>&) {
    called = true;
  };
  auto unknown = acc_.append(r, 0, done);
  ASSERT_TRUE(unknown);
  EXPECT_EQ(*unknown, RecordAccumulator::Appended::kPartitionsUnknown);
  ASSERT_TRUE(done);  // left to the caller, who asks for the count and calls again

  ASSERT_TRUE(acc_.append(r, 3, done));
  auto remembered = acc_.append(r, 0, none_);
  ASSERT_TRUE(remembered);
  EXPECT_NE(*remembered, RecordAccumulator::Appended::kPartitionsUnknown);
  auto drained = acc_.take_all();
  size_t records = 0;
  for (const auto& b : drained) records += b->callbacks.size();
  EXPECT_EQ(records, 2u);
  EXPECT_FALSE(called);
}

// Nagle's rule: at linger 0 a lone record's batch goes at once, but while it is unanswered the
// partition's next records wait (without waking the sender) and go together once it is answered.
TEST(RecordAccumulatorLinger, ABatchThatDidNotFillWaitsForItsPartitionsAnswer) {
  ProducerConfig c;
  c.linger = 0ms;
  RecordAccumulator acc(c);
  client::Producer::Callback none;
  size_t with_sender = 0;
  auto drain = [&] {
    auto next = client::SteadyTime::max();
    auto out = acc.drain(
        std::chrono::steady_clock::now(), 5, [&](const TopicPartition&) { return with_sender; },
        next);
    with_sender += out.size();
    return out;
  };
  ProducerRecord r{"t", std::nullopt, "v", {}, 0, std::nullopt};
  auto first = acc.append(r, 1, none);
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, RecordAccumulator::Appended::kWakeSender);  // a new batch, nothing in flight
  ASSERT_EQ(drain().size(), 1u);

  for (int i = 0; i < 3; ++i) {
    auto behind = acc.append(r, 1, none);
    ASSERT_TRUE(behind);
    EXPECT_EQ(*behind, RecordAccumulator::Appended::kQueued);  // the answer wakes the sender
    EXPECT_TRUE(drain().empty());
  }
  // The answer: the sender holds none of the partition's batches, and drains again.
  with_sender = 0;
  auto next = drain();
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0]->builder.record_count(), 3);

  with_sender = 0;
  EXPECT_TRUE(drain().empty());  // answered, with nothing waiting
  auto after = acc.append(r, 1, none);
  ASSERT_TRUE(after);
  EXPECT_EQ(*after, RecordAccumulator::Appended::kWakeSender);
}

TEST(RecordAccumulatorLinger, AClosingProducerSendsAWaitingBatchBehindOthersInFlight) {
  ProducerConfig c;
  c.linger = 0ms;
  RecordAccumulator acc(c);
  client::Producer::Callback none;
  ProducerRecord r{"t", std::nullopt, "v", {}, 0, std::nullopt};
  ASSERT_TRUE(acc.append(r, 1, none));
  auto next = client::SteadyTime::max();
  auto now = std::chrono::steady_clock::now();
  auto in_flight = [](size_t n) { return [n](const TopicPartition&) { return n; }; };
  EXPECT_TRUE(acc.drain(now, 5, in_flight(1), next).empty());
  acc.close();  // as a flush does, closing makes it due behind up to max_in_flight - 1 others
  EXPECT_TRUE(acc.drain(now, 5, in_flight(5), next).empty());
  EXPECT_EQ(acc.drain(now, 5, in_flight(4), next).size(), 1u);
}

// What a producer does when its application sends a transaction's offsets: the batches open then
// go without waiting for their linger (behind others in flight, as in a flush); those begun after
// it linger as usual.
TEST(RecordAccumulatorLinger, SendingTheOpenBatchesMakesThoseOpenNowDueAndNoLaterOne) {
  ProducerConfig c;
  c.linger = 1h;
  RecordAccumulator acc(c);
  client::Producer::Callback none;
  auto in_flight = [](size_t n) { return [n](const TopicPartition&) { return n; }; };
  auto drain = [&](size_t with_sender) {
    auto next = client::SteadyTime::max();
    return acc.drain(std::chrono::steady_clock::now(), 5, in_flight(with_sender), next);
  };
  ProducerRecord a{"a", std::nullopt, "v", {}, 0, std::nullopt};
  ProducerRecord b{"b", std::nullopt, "v", {}, 0, std::nullopt};
  ASSERT_TRUE(acc.append(a, 1, none));
  ASSERT_TRUE(acc.append(b, 1, none));
  EXPECT_TRUE(drain(0).empty());  // lingering

  int woken = 0;
  acc.send_open_batches([&] { ++woken; });
  EXPECT_EQ(woken, 1);
  EXPECT_TRUE(drain(5).empty());  // max_in_flight answers outstanding: it waits for one
  auto sent = drain(4);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0]->builder.record_count(), 1);
  EXPECT_EQ(sent[1]->builder.record_count(), 1);

  ASSERT_TRUE(acc.append(a, 1, none));  // a new batch, begun after: it lingers
  EXPECT_TRUE(drain(0).empty());
}

}  // namespace
}  // namespace cairn::testing
