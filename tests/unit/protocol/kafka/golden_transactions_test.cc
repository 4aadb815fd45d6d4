// The transaction messages byte for byte, typed from Kafka's message schemas (which fields each
// version has, which versions are flexible): InitProducerId, AddPartitionsToTxn (one
// transaction up to 3, a batch from 4), EndTxn, TxnOffsetCommit, ListTransactions and
// DescribeTransactions. Each body must decode to the message below and that message must encode
// to the same bytes.
#include <gtest/gtest.h>

#include "protocol/kafka/apis.h"
#include "tests/unit/protocol/kafka/hex.h"

namespace cairn::protocol::kafka {
namespace {

using test::hex;

template <class M>
void expect_golden(const M& message, int16_t version, const std::vector<std::byte>& golden) {
  std::vector<std::byte> out;
  Writer w(out);
  Status s = encode(message, version, w);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(test::to_hex(out), test::to_hex(golden)) << M::kApi.name << " v" << version;
  auto back = decode<M>(golden, version);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(*back == message) << M::kApi.name << " v" << version;
}

// Producer id 0x1234, epoch 5.
constexpr std::string_view kProducer = "00 00 00 00 00 00 12 34  00 05";

std::vector<std::byte> with_producer(std::string_view before, std::string_view after) {
  return hex(std::string(before) + " " + std::string(kProducer) + " " + std::string(after));
}

TEST(KafkaGoldenTransactions, InitProducerIdV0AndTheFlexibleV4WithTheProducersIdAndEpoch) {
  InitProducerIdRequest v0;
  v0.transactional_id = "tx";
  v0.transaction_timeout_ms = 60000;
  expect_golden(v0, 0, hex("00 02 'tx'  00 00 ea 60"));
  InitProducerIdRequest v4 = v0;
  v4.producer_id = 0x1234;
  v4.producer_epoch = 5;
  expect_golden(v4, 4, with_producer("03 'tx'  00 00 ea 60", "00"));
  InitProducerIdRequest idempotent;
  idempotent.transactional_id = std::nullopt;
  expect_golden(idempotent, 4, hex("00  00 00 00 00  ff ff ff ff ff ff ff ff  ff ff  00"));
  InitProducerIdResponse r{0, 0, 0x1234, 5};
  expect_golden(r, 4, with_producer("00 00 00 00  00 00", "00"));
}

TEST(KafkaGoldenTransactions, AddPartitionsToTxnV3CarriesOneTransaction) {
  AddPartitionsToTxnRequest req;
  req.v3_and_below_transactional_id = "tx";
  req.v3_and_below_producer_id = 0x1234;
  req.v3_and_below_producer_epoch = 5;
  req.v3_and_below_topics = {{"t", {0, 1}}};
  expect_golden(req, 3, with_producer("03 'tx'", "02  02 't'  03 00 00 00 00 00 00 00 01  00  00"));
  expect_golden(req, 0,
                with_producer("00 02 'tx'",
                              "00 00 00 01  00 01 't'  00 00 00 02"
                              "  00 00 00 00  00 00 00 01"));
  AddPartitionsToTxnResponse r;
  r.results_by_topic_v3_and_below = {{"t", {{0, 0}, {1, 48}}}};
  expect_golden(r, 3,
                hex("00 00 00 00  02  02 't'  03  00 00 00 00 00 00 00  00 00 00 01 00 30 00"
                    "  00  00"));
}

TEST(KafkaGoldenTransactions, AddPartitionsToTxnV4BatchesTransactionsWithVerifyOnly) {
  AddPartitionsToTxnRequest req;
  req.transactions.push_back({"tx", 0x1234, 5, true, {{"t", {0}}}});
  expect_golden(req, 4, with_producer("02  03 'tx'", "01  02  02 't'  02 00 00 00 00  00  00  00"));
  AddPartitionsToTxnResponse r;
  r.results_by_transaction.push_back({"tx", {{"t", {{0, 120}}}}});
  expect_golden(r, 4,
                hex("00 00 00 00  00 00  02  03 'tx'  02  02 't'  02  00 00 00 00 00 78 00"
                    "  00  00  00"));
}

TEST(KafkaGoldenTransactions, EndTxnV3AndItsV5AnswerWithTheNextProducerIdAndEpoch) {
  EndTxnRequest req{"tx", 0x1234, 5, true};
  expect_golden(req, 3, with_producer("03 'tx'", "01  00"));
  expect_golden(req, 0, with_producer("00 02 'tx'", "01"));
  EndTxnResponse r{0, 0, 0x1234, 5};
  expect_golden(r, 5, with_producer("00 00 00 00  00 00", "00"));
  EndTxnResponse v3{0, 90, -1, -1};
  expect_golden(v3, 3, hex("00 00 00 00  00 5a  00"));
}

TEST(KafkaGoldenTransactions, TxnOffsetCommitV0AndV3WithTheConsumersGenerationAndMemberId) {
  TxnOffsetCommitRequest req;
  req.transactional_id = "tx";
  req.group_id = "g";
  req.producer_id = 0x1234;
  req.producer_epoch = 5;
  req.topics = {{"t", {{0, 42, -1, std::nullopt}}}};
  expect_golden(req, 0,
                with_producer("00 02 'tx'  00 01 'g'",
                              "00 00 00 01  00 01 't'  00 00 00 01"
                              "  00 00 00 00  00 00 00 00 00 00 00 2a  ff ff"));
  req.generation_id = 3;
  req.member_id = "m";
  expect_golden(req, 3,
                with_producer("03 'tx'  02 'g'",
                              "00 00 00 03  02 'm'  00  02  02 't'  02"
                              "  00 00 00 00  00 00 00 00 00 00 00 2a  ff ff ff ff  00  00"
                              "  00  00"));
  TxnOffsetCommitResponse r;
  r.topics = {{"t", {{0, 22}}}};
  expect_golden(r, 3, hex("00 00 00 00  02  02 't'  02  00 00 00 00 00 16 00  00  00"));
}

TEST(KafkaGoldenTransactions, ListTransactionsV1AndDescribeTransactionsV0) {
  ListTransactionsRequest req;
  req.state_filters = {"Ongoing"};
  req.producer_id_filters = {0x1234};
  req.duration_filter = 1000;
  expect_golden(req, 1,
                hex("02 08 'Ongoing'  02 00 00 00 00 00 00 12 34  00 00 00 00 00 00 03 e8  00"));
  expect_golden(ListTransactionsRequest{}, 0, hex("01 01 00"));
  ListTransactionsResponse listed;
  listed.unknown_state_filters = {"Bogus"};
  listed.transaction_states = {{"tx", 0x1234, "Ongoing"}};
  expect_golden(listed, 1,
                hex("00 00 00 00  00 00  02 06 'Bogus'  02  03 'tx'  00 00 00 00 00 00 12 34"
                    "  08 'Ongoing'  00  00"));
  DescribeTransactionsRequest describe{{"tx"}};
  expect_golden(describe, 0, hex("02 03 'tx'  00"));
  DescribeTransactionsResponse d;
  DescribedTransactionState s;
  s.transactional_id = "tx";
  s.transaction_state = "Ongoing";
  s.transaction_timeout_ms = 60000;
  s.transaction_start_time_ms = 7;
  s.producer_id = 0x1234;
  s.producer_epoch = 5;
  s.topics = {{"t", {1}}};
  d.transaction_states = {s};
  expect_golden(d, 0,
                with_producer("00 00 00 00  02  00 00  03 'tx'  08 'Ongoing'  00 00 ea 60"
                              "  00 00 00 00 00 00 00 07",
                              "02  02 't'  02 00 00 00 01  00  00  00"));
}

}  // namespace
}  // namespace cairn::protocol::kafka
