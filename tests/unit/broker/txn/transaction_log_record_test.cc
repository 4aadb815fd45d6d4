// The records of `__transaction_state` as storage/FORMAT.md ("Transaction state") describes
// them: expected bytes are typed from the spec's table, never produced by the encoder; every
// truncation, a byte left over and each rule of the format is refused.
#include "broker/txn/transaction_log_record.h"

#include <gtest/gtest.h>

#include "protocol/record_batch.h"

namespace cairn::broker::txn {
namespace {

using protocol::Bytes;
using Golden = std::vector<uint8_t>;

std::vector<std::byte> bytes_of(const Golden& g) {
  std::vector<std::byte> out;
  for (uint8_t b : g) out.push_back(std::byte{b});
  return out;
}

TransactionMetadata ongoing() {
  TransactionMetadata m;
  m.transactional_id = "tx";
  m.producer_id = 1000;
  m.producer_epoch = 3;
  m.state = TxnState::kOngoing;
  m.timeout = std::chrono::milliseconds(60000);
  m.partitions = {{"b", 2}, {"a", 1}, {"b", 0}};
  m.start_time = timestamp_from_millis(1000);
  m.last_update = timestamp_from_millis(2000);
  return m;
}

// clang-format off
const Golden kOngoingValue = {
    0,                                 // version 0
    0xe8, 0x03, 0, 0, 0, 0, 0, 0,      // producer id 1000
    3, 0,                              // producer epoch 3
    1,                                 // state 1 Ongoing
    0x60, 0xea, 0, 0,                  // timeout ms 60000
    0xe8, 0x03, 0, 0, 0, 0, 0, 0,      // start time 1000
    0xd0, 0x07, 0, 0, 0, 0, 0, 0,      // last update 2000
    2, 0, 0, 0,                        // topics: 2, in byte order
    1, 0, 'a',  1, 0, 0, 0,  1, 0, 0, 0,            // "a": [1]
    1, 0, 'b',  2, 0, 0, 0,  0, 0, 0, 0,  2, 0, 0, 0,  // "b": [0, 2], ascending
};
// clang-format on

TEST(TransactionLogRecord, TheKeyIsTypeOneThenTheTransactionalId) {
  EXPECT_EQ(encode_transaction_key("tx"), bytes_of({1, 2, 0, 't', 'x'}));
}

TEST(TransactionLogRecord, TheValueIsLaidOutAsTheSpecTable) {
  EXPECT_EQ(encode_transaction_value(ongoing()), bytes_of(kOngoingValue));
  auto key = bytes_of({1, 2, 0, 't', 'x'});
  auto value = bytes_of(kOngoingValue);
  auto back = decode_transaction_record(Bytes(key), Bytes(value));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->transactional_id, "tx");
  ASSERT_TRUE(back->value);
  EXPECT_EQ(*back->value, ongoing());
}

TEST(TransactionLogRecord, AClosedStateHasStartTimeMinusOneAndNoPartitions) {
  TransactionMetadata m = ongoing();
  m.state = TxnState::kCompleteCommit;
  m.partitions.clear();
  m.start_time.reset();
  // clang-format off
  EXPECT_EQ(encode_transaction_value(m), bytes_of({
      0, 0xe8, 0x03, 0, 0, 0, 0, 0, 0, 3, 0,
      4,                                 // state 4 CompleteCommit
      0x60, 0xea, 0, 0,
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // start time -1
      0xd0, 0x07, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0,                        // topics: 0
  }));
  // clang-format on
}

TEST(TransactionLogRecord, ANullValueForgetsTheId) {
  auto key = encode_transaction_key("tx");
  auto r = decode_transaction_record(Bytes(key), std::nullopt);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->transactional_id, "tx");
  EXPECT_FALSE(r->value);
}

TEST(TransactionLogRecord, EveryTruncationAndATrailingByteAreCorruption) {
  auto key = encode_transaction_key("tx");
  auto value = bytes_of(kOngoingValue);
  for (size_t n = 0; n < value.size(); ++n) {
    auto r = decode_transaction_record(Bytes(key), Bytes(value).first(n));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), Status::Code::kCorruption);
  }
  auto longer = value;
  longer.push_back(std::byte{0});
  EXPECT_FALSE(decode_transaction_record(Bytes(key), Bytes(longer)));
  for (size_t n = 0; n < key.size(); ++n) {
    EXPECT_FALSE(decode_transaction_record(Bytes(key).first(n), Bytes(value))) << n;
  }
}

// kOngoingValue with byte `at` set to `to`.
std::vector<std::byte> value_with(size_t at, uint8_t to) {
  auto v = bytes_of(kOngoingValue);
  v[at] = std::byte{to};
  return v;
}

TEST(TransactionLogRecord, ABrokenRuleOfTheFormatIsCorruption) {
  auto key = encode_transaction_key("tx");
  auto refused = [&](const std::vector<std::byte>& value, const char* what) {
    auto r = decode_transaction_record(Bytes(key), Bytes(value));
    EXPECT_FALSE(r) << what;
    if (!r) {
      EXPECT_EQ(r.error().code(), Status::Code::kCorruption) << what;
    }
  };
  refused(value_with(0, 1), "value version 1");
  refused(value_with(11, 6), "state 6");
  refused(value_with(8, 0x80), "negative producer id");
  refused(value_with(10, 0x80), "negative epoch");
  auto zero_timeout = value_with(12, 0);
  zero_timeout[13] = std::byte{0};
  refused(zero_timeout, "timeout 0 ms");
  auto start_minus_two = value_with(16, 0xfe);
  for (size_t i = 17; i < 24; ++i) start_minus_two[i] = std::byte{0xff};
  refused(start_minus_two, "start time -2");
  // A time before the epoch would overflow the expiry's arithmetic (found by the fuzz target).
  auto last_update_minus_one = value_with(24, 0xff);
  for (size_t i = 25; i < 32; ++i) last_update_minus_one[i] = std::byte{0xff};
  refused(last_update_minus_one, "last update -1");
  refused(value_with(11, 0), "Empty with partitions and a start time");
  auto other_type = bytes_of({2, 2, 0, 't', 'x'});
  auto value = bytes_of(kOngoingValue);
  EXPECT_FALSE(decode_transaction_record(Bytes(other_type), Bytes(value)));
  auto empty_id = bytes_of({1, 0, 0});
  EXPECT_FALSE(decode_transaction_record(Bytes(empty_id), Bytes(value)));
  EXPECT_FALSE(decode_transaction_record(std::nullopt, Bytes(value)));

  TransactionMetadata no_partitions = ongoing();
  no_partitions.partitions.clear();
  refused(encode_transaction_value(no_partitions), "Ongoing without partitions");
  TransactionMetadata no_start = ongoing();
  no_start.start_time.reset();
  refused(encode_transaction_value(no_start), "Ongoing without a start time");
}

TEST(TransactionLogRecord, ABatchOfRecordsReadsBackInOrder) {
  auto batch = encode_transaction_batch({{"tx", ongoing()}, {"gone", std::nullopt}},
                                        timestamp_from_millis(5));
  protocol::assign_offsets(batch, Offset(0), 0);
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
  ASSERT_TRUE(view);
  protocol::RecordReader reader(*view);
  protocol::RecordView rec;
  std::vector<TransactionLogRecord> read;
  while (reader.next(rec)) {
    auto r = decode_transaction_record(rec.key, rec.value);
    ASSERT_TRUE(r);
    read.push_back(*r);
  }
  ASSERT_EQ(read.size(), 2u);
  EXPECT_EQ(read[0].value, ongoing());
  EXPECT_EQ(read[1].transactional_id, "gone");
  EXPECT_FALSE(read[1].value);
}

TEST(TransactionLogRecord, AnIdLivesInPartitionXxh3ModuloThePartitionCount) {
  for (int32_t n : {1, 7, 50}) {
    int32_t p = transaction_partition_for("payments-1", n);
    EXPECT_GE(p, 0);
    EXPECT_LT(p, n);
    EXPECT_EQ(p, transaction_partition_for("payments-1", n));
  }
}

}  // namespace
}  // namespace cairn::broker::txn
