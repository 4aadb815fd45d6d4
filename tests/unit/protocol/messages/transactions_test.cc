// The bodies of protocol/messages/transactions.h: each round trips field for field, and its
// decoder refuses every truncation, a trailing byte and a list over the protocol's limit.
#include "protocol/messages/transactions.h"

#include <gtest/gtest.h>

#include "protocol/frame.h"
#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::encode_body;
using testing::round_trip;

TxnProducer producer() { return {"payments-1", 0x0102030405060708, 7}; }

TEST(TransactionMessages, AddPartitionsToTxnRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(AddPartitionsToTxnRequest{producer(), {{"a", {0, 1}}, {"b", {}}}});
  EXPECT_EQ(req.producer.transactional_id, "payments-1");
  EXPECT_EQ(req.producer.producer_id, 0x0102030405060708);
  EXPECT_EQ(req.producer.producer_epoch, 7);
  ASSERT_EQ(req.topics.size(), 2u);
  EXPECT_EQ(req.topics[0].partitions, (std::vector<int32_t>{0, 1}));

  AddPartitionsToTxnResponse resp;
  resp.topics.push_back({"a", {{0, ErrorCode::kNone}, {1, ErrorCode::kInvalidTxnState}}});
  auto back = round_trip(resp);
  ASSERT_EQ(back.topics.size(), 1u);
  EXPECT_EQ(back.topics[0].partitions[1].error, ErrorCode::kInvalidTxnState);
}

TEST(TransactionMessages, AddOffsetsToTxnRoundTripsAndRefusesEveryTruncation) {
  auto req = round_trip(AddOffsetsToTxnRequest{producer(), "group-a"});
  EXPECT_EQ(req.group_id, "group-a");
  EXPECT_EQ(req.producer.producer_epoch, 7);
  EXPECT_EQ(round_trip(AddOffsetsToTxnResponse{ErrorCode::kProducerFenced}).error,
            ErrorCode::kProducerFenced);
}

TEST(TransactionMessages, TxnOffsetCommitRoundTripsAndRefusesEveryTruncation) {
  TxnOffsetCommitRequest r;
  r.producer = producer();
  r.group_id = "g";
  r.generation = 3;
  r.member_id = "m-1";
  r.topics.push_back({"in", {{0, 10, ""}, {1, 20, "meta"}}});
  auto back = round_trip(r);
  EXPECT_EQ(back.group_id, "g");
  EXPECT_EQ(back.generation, 3);
  EXPECT_EQ(back.member_id, "m-1");
  ASSERT_EQ(back.topics.size(), 1u);
  EXPECT_EQ(back.topics[0].partitions[1].offset, 20);
  EXPECT_EQ(back.topics[0].partitions[1].metadata, "meta");
}

TEST(TransactionMessages, EndTxnRoundTripsAndRefusesEveryTruncation) {
  EXPECT_EQ(round_trip(EndTxnRequest{producer(), TxnResult::kCommit}).result, TxnResult::kCommit);
  EXPECT_EQ(round_trip(EndTxnRequest{producer(), TxnResult::kAbort}).result, TxnResult::kAbort);
  auto resp = round_trip(EndTxnResponse{ErrorCode::kNone, 9, 2});
  EXPECT_EQ(resp.producer_id, 9);
  EXPECT_EQ(resp.producer_epoch, 2);
}

TEST(TransactionMessages, DescribeTransactionsRoundTripsAndRefusesEveryTruncation) {
  EXPECT_EQ(round_trip(DescribeTransactionsRequest{{"a", "b"}}).transactional_ids.size(), 2u);
  DescribeTransactionsResponse resp;
  resp.transactions.push_back({ErrorCode::kNone, "a", "Ongoing", 1, 2, 3000, 44, {{"t", {5}}}});
  resp.transactions.push_back(
      {.error = ErrorCode::kInvalidProducerIdMapping, .transactional_id = "b"});
  auto back = round_trip(resp);
  ASSERT_EQ(back.transactions.size(), 2u);
  EXPECT_EQ(back.transactions[0].state, "Ongoing");
  EXPECT_EQ(back.transactions[0].start_time_ms, 44);
  EXPECT_EQ(back.transactions[0].topics[0].partitions, (std::vector<int32_t>{5}));
  EXPECT_EQ(back.transactions[1].error, ErrorCode::kInvalidProducerIdMapping);
}

TEST(TransactionMessages, ARequestNamingMoreThanTheTopicLimitIsMalformed) {
  AddPartitionsToTxnRequest add{producer(), {}};
  add.topics.resize(limits::kMaxNamesPerRequest + 1, TopicPartitions{"t", {}});
  auto add_bytes = encode_body(add);
  EXPECT_FALSE(AddPartitionsToTxnRequest::decode(Bytes(add_bytes), 0));

  TxnOffsetCommitRequest commit;
  commit.topics.resize(limits::kMaxNamesPerRequest + 1, CommitTopic{"t", {}});
  auto commit_bytes = encode_body(commit);
  EXPECT_FALSE(TxnOffsetCommitRequest::decode(Bytes(commit_bytes), 0));

  DescribeTransactionsRequest describe;
  describe.transactional_ids.resize(limits::kMaxNamesPerRequest + 1, "x");
  auto describe_bytes = encode_body(describe);
  EXPECT_FALSE(DescribeTransactionsRequest::decode(Bytes(describe_bytes), 0));
}

}  // namespace
}  // namespace cairn::protocol
