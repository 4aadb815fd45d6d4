// PROTOCOL.md's "Transactions" section as executable examples: each body of the transaction
// APIs, InitProducerId version 1 and the control record, typed by hand from the spec's text and
// tables. Strings are u16 length + bytes, arrays u32 count + elements, integers little-endian,
// except the control record's fields, which are big-endian (Kafka's layout).
#include <gtest/gtest.h>

#include "protocol/control_record.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/transactions.h"
#include "tests/unit/protocol/spec_bytes.h"

namespace cairn::protocol {
namespace {

using testing::expect_golden;
using testing::expect_golden_body;
using testing::Golden;

TxnProducer producer() { return {"tx", 1000, 3}; }

// clang-format off
const Golden kProducer = {
    2, 0, 't', 'x',                  // transactional id "tx"
    0xe8, 0x03, 0, 0, 0, 0, 0, 0,    // producer id 1000
    3, 0,                            // producer epoch 3
};
// clang-format on

Golden with_producer(const Golden& rest) {
  Golden g = kProducer;
  g.insert(g.end(), rest.begin(), rest.end());
  return g;
}

// clang-format off

TEST(TransactionsSpec, InitProducerIdVersionOneAddsTheProducerIdAndEpochTheProducerHolds) {
  InitProducerIdRequest r{"tx", 60000};
  r.producer_id = 1000;
  r.producer_epoch = 3;
  expect_golden_body(r, {
      2, 0, 't', 'x',                // transactional id "tx"
      0x60, 0xea, 0, 0,              // transaction timeout ms 60000
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // producer id 1000
      3, 0,                          // producer epoch 3
  }, 1);
  // Version 0 has neither field.
  expect_golden_body(InitProducerIdRequest{"tx", 60000}, {
      2, 0, 't', 'x',
      0x60, 0xea, 0, 0,
  }, 0, [](const InitProducerIdRequest& back) {
    EXPECT_EQ(back.producer_id, -1);
    EXPECT_EQ(back.producer_epoch, -1);
  });
}

TEST(TransactionsSpec, AddPartitionsToTxnBodies) {
  expect_golden_body(AddPartitionsToTxnRequest{producer(), {{"t", {0, 2}}}}, with_producer({
      1, 0, 0, 0,                    // topics: 1
      1, 0, 't',                     //   name "t"
      2, 0, 0, 0,                    //   partitions: 2
      0, 0, 0, 0,                    //     0
      2, 0, 0, 0,                    //     2
  }));
  AddPartitionsToTxnResponse resp;
  resp.topics.push_back({"t", {{0, ErrorCode::kNone}, {2, ErrorCode::kInvalidTxnState}}});
  expect_golden_body(resp, {
      1, 0, 0, 0,                    // topics: 1
      1, 0, 't',                     //   name "t"
      2, 0, 0, 0,                    //   partitions: 2
      0, 0, 0, 0,  0, 0,             //     partition 0, error 0
      2, 0, 0, 0,  38, 0,            //     partition 2, error 38 INVALID_TXN_STATE
  });
}

TEST(TransactionsSpec, AddOffsetsToTxnBodies) {
  expect_golden_body(AddOffsetsToTxnRequest{producer(), "g"}, with_producer({
      1, 0, 'g',                     // group id "g"
  }));
  expect_golden_body(AddOffsetsToTxnResponse{ErrorCode::kConcurrentTransactions}, {
      41, 0,                         // error 41 CONCURRENT_TRANSACTIONS
  });
}

TEST(TransactionsSpec, TxnOffsetCommitBodies) {
  TxnOffsetCommitRequest r;
  r.producer = producer();
  r.group_id = "g";
  r.generation = 5;
  r.member_id = "m";
  r.topics.push_back({"t", {{1, 42, "x"}}});
  expect_golden_body(r, with_producer({
      1, 0, 'g',                     // group id "g"
      5, 0, 0, 0,                    // generation 5
      1, 0, 'm',                     // member id "m"
      1, 0, 0, 0,                    // topics: 1
      1, 0, 't',                     //   name "t"
      1, 0, 0, 0,                    //   partitions: 1
      1, 0, 0, 0,                    //     partition 1
      42, 0, 0, 0, 0, 0, 0, 0,       //     offset 42
      1, 0, 'x',                     //     metadata "x"
  }));
  TxnOffsetCommitResponse resp;
  resp.topics.push_back({"t", {{1, ErrorCode::kIllegalGeneration}}});
  expect_golden_body(resp, {
      1, 0, 0, 0,  1, 0, 't',        // topics: 1, name "t"
      1, 0, 0, 0,                    //   partitions: 1
      1, 0, 0, 0,  20, 0,            //     partition 1, error 20 ILLEGAL_GENERATION
  });
}

TEST(TransactionsSpec, EndTxnBodies) {
  expect_golden_body(EndTxnRequest{producer(), TxnResult::kCommit}, with_producer({
      1,                             // result 1 commit
  }));
  expect_golden_body(EndTxnRequest{producer(), TxnResult::kAbort}, with_producer({
      0,                             // result 0 abort
  }));
  expect_golden_body(EndTxnResponse{ErrorCode::kProducerFenced, 1000, 4}, {
      43, 0,                         // error 43 PRODUCER_FENCED
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  // producer id 1000
      4, 0,                          // producer epoch 4
  });
}

TEST(TransactionsSpec, AnEndTxnResultAboveOneIsMalformed) {
  auto bytes = testing::golden_bytes(with_producer({2}));
  EXPECT_FALSE(EndTxnRequest::decode(Bytes(bytes), 0));
}

TEST(TransactionsSpec, DescribeTransactionsBodies) {
  expect_golden_body(DescribeTransactionsRequest{{"tx", ""}}, {
      2, 0, 0, 0,                    // transactional ids: 2
      2, 0, 't', 'x',                //   "tx"
      0, 0,                          //   ""
  });
  DescribeTransactionsResponse resp;
  TransactionDescription d;
  d.transactional_id = "tx";
  d.state = "Ongoing";
  d.producer_id = 1000;
  d.producer_epoch = 3;
  d.timeout_ms = 60000;
  d.start_time_ms = 1000;
  d.topics = {{"t", {1}}};
  resp.transactions.push_back(d);
  expect_golden_body(resp, {
      1, 0, 0, 0,                    // transactions: 1
      0, 0,                          //   error 0
      2, 0, 't', 'x',                //   transactional id "tx"
      7, 0, 'O', 'n', 'g', 'o', 'i', 'n', 'g',  // state "Ongoing"
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  //   producer id 1000
      3, 0,                          //   producer epoch 3
      0x60, 0xea, 0, 0,              //   timeout ms 60000
      0xe8, 0x03, 0, 0, 0, 0, 0, 0,  //   start time ms 1000
      1, 0, 0, 0,  1, 0, 't',        //   topics: 1, name "t"
      1, 0, 0, 0,  1, 0, 0, 0,       //     partitions: [1]
  });
}

TEST(TransactionsSpec, AControlRecordKeyIsVersionAndTypeBigEndian) {
  auto commit = encode_control_key(TxnResult::kCommit);
  expect_golden({commit.begin(), commit.end()}, {
      0, 0,                          // version 0
      0, 1,                          // type 1 commit
  });
  auto abort = encode_control_key(TxnResult::kAbort);
  expect_golden({abort.begin(), abort.end()}, {
      0, 0,                          // version 0
      0, 0,                          // type 0 abort
  });
}

TEST(TransactionsSpec, AControlRecordValueIsVersionAndCoordinatorEpochBigEndian) {
  auto value = encode_control_value(0x01020304);
  expect_golden({value.begin(), value.end()}, {
      0, 0,                          // version 0
      1, 2, 3, 4,                    // coordinator epoch 0x01020304
  });
}

TEST(TransactionsSpec, AControlRecordOfALaterVersionIsReadForTheFieldsThisVersionKnows) {
  auto key = testing::golden_bytes({0, 1, 0, 1, 0xff});         // version 1, commit, one more byte
  auto value = testing::golden_bytes({0, 1, 0, 0, 0, 9, 0xff});  // version 1, epoch 9, one more
  auto r = decode_control_record(Bytes(key), Bytes(value));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->result, TxnResult::kCommit);
  EXPECT_EQ(r->coordinator_epoch, 9);
}

// clang-format on

}  // namespace
}  // namespace cairn::protocol
