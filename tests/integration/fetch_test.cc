// Fetch against the real broker: the response's and each partition's max bytes, applied at
// batch boundaries in request order, and long polls that partitions with errors do not cut
// short.
#include <gtest/gtest.h>

#include "client/src/connection.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
using Clock = std::chrono::steady_clock;

class FetchLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data");
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
    auto c = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(c) << c.error().to_string();
    conn = std::move(*c);
  }
  // Appends `count` batches of one record each to partition `p`, one request per batch.
  void produce(int32_t p, int count) {
    for (int i = 0; i < count; ++i) {
      auto batch = make_batch({.records = 1, .value_bytes = 900, .seed = static_cast<uint64_t>(i)});
      batch_bytes = batch.size();
      protocol::ProduceRequest req;
      req.topics.push_back({"t", {{p, batch}}});
      auto r = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
      ASSERT_TRUE(r) << r.error().to_string();
      ASSERT_EQ(r->body.topics[0].partitions[0].error, ErrorCode::kNone);
    }
  }
  client::Reply<protocol::FetchResponse> fetch(const protocol::FetchRequest& f) {
    auto r = conn->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, f);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? std::move(*r) : client::Reply<protocol::FetchResponse>{};
  }
  // Whole batches in `records`, each parsed as stored.
  static size_t count_batches(protocol::Bytes records) {
    size_t n = 0;
    protocol::BatchIterator batches(records, protocol::Verify::kStored);
    while (batches.next()) ++n;
    EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
    return n;
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
  size_t batch_bytes = 0;
};

TEST_F(FetchLimits, TheResponseMaxBytesCutsAPartitionShortAtABatchBoundary) {
  produce(0, 5);
  protocol::FetchRequest f;
  f.max_wait_ms = 0;
  f.max_bytes = static_cast<uint32_t>(2 * batch_bytes + 100);
  f.topics.push_back({"t", {{0, 0, 1 << 20}}});
  auto r = fetch(f);
  ASSERT_EQ(r.body.topics.size(), 1u);
  const auto& p = r.body.topics[0].partitions[0];
  EXPECT_EQ(p.error, ErrorCode::kNone);
  EXPECT_EQ(p.records.size(), 2 * batch_bytes);
  EXPECT_EQ(count_batches(p.records), 2u);
}

TEST_F(FetchLimits, PartitionsAfterTheOneTheResponseLimitCutsGetNothing) {
  produce(0, 5);
  produce(1, 5);
  protocol::FetchRequest f;
  f.max_wait_ms = 0;
  f.max_bytes = static_cast<uint32_t>(3 * batch_bytes + 10);
  f.topics.push_back({"t", {{0, 0, 1 << 20}, {1, 0, 1 << 20}}});
  auto r = fetch(f);
  ASSERT_EQ(r.body.topics.at(0).partitions.size(), 2u);
  EXPECT_EQ(count_batches(r.body.topics[0].partitions[0].records), 3u);
  EXPECT_TRUE(r.body.topics[0].partitions[1].records.empty());
  EXPECT_EQ(r.body.topics[0].partitions[1].high_watermark, 5);
}

TEST_F(FetchLimits, APartitionMaxBytesLimitsOnlyItsOwnPartition) {
  produce(0, 5);
  produce(1, 5);
  protocol::FetchRequest f;
  f.max_wait_ms = 0;
  f.max_bytes = 1 << 20;
  auto two = static_cast<uint32_t>(2 * batch_bytes);
  f.topics.push_back({"t", {{0, 0, two}, {1, 0, 1 << 20}}});
  auto r = fetch(f);
  EXPECT_EQ(count_batches(r.body.topics.at(0).partitions.at(0).records), 2u);
  EXPECT_EQ(count_batches(r.body.topics[0].partitions.at(1).records), 5u);
}

TEST_F(FetchLimits, TheFirstBatchGoesEvenWhenLargerThanEveryLimit) {
  produce(0, 3);
  protocol::FetchRequest f;
  f.max_wait_ms = 0;
  f.max_bytes = 100;
  f.topics.push_back({"t", {{0, 0, 100}}});
  auto r = fetch(f);
  EXPECT_EQ(count_batches(r.body.topics.at(0).partitions.at(0).records), 1u);
}

TEST_F(FetchLimits, AFetchWithOneUnknownPartitionStillWaitsOnTheHealthyOne) {
  protocol::FetchRequest f;
  f.max_wait_ms = 500;
  f.min_bytes = 1;
  f.topics.push_back({"t", {{0, 0, 1 << 20}, {7, 0, 1 << 20}}});
  auto started = Clock::now();
  int answers = 0;
  while (Clock::now() - started < std::chrono::seconds(2)) {
    auto r = fetch(f);
    ++answers;
    ASSERT_EQ(r.body.topics.at(0).partitions.size(), 2u);
    EXPECT_EQ(r.body.topics[0].partitions[0].error, ErrorCode::kNone);
    EXPECT_EQ(r.body.topics[0].partitions[1].error, ErrorCode::kUnknownTopicOrPartition);
  }
  // One answer per max wait, not a busy loop of instant answers.
  std::cout << answers << " fetches answered in 2 s\n";
  EXPECT_LE(answers, 5);
}

TEST_F(FetchLimits, AFetchWhoseEveryPartitionFailsIsAnsweredAtOnce) {
  protocol::FetchRequest f;
  f.max_wait_ms = 5000;
  f.min_bytes = 1;
  f.topics.push_back({"t", {{7, 0, 1 << 20}, {0, 42, 1 << 20}}});
  f.topics.push_back({"missing", {{0, 0, 1 << 20}}});
  auto started = Clock::now();
  auto r = fetch(f);
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(2));
  EXPECT_EQ(r.body.topics.at(0).partitions.at(0).error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(r.body.topics[0].partitions.at(1).error, ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(r.body.topics.at(1).partitions.at(0).error, ErrorCode::kUnknownTopicOrPartition);
}

}  // namespace
}  // namespace cairn::testing
