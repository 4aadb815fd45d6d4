// Kafka RecordBatch v2: verification (CRC-32C and structure) and translation to Cairn's batch and
// back, using batches captured from a Kafka broker.
#include "protocol/kafka/record_batch.h"

#include <gtest/gtest.h>

#include <vector>

#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/wire.h"
#include "tests/unit/protocol/kafka/golden_batch.h"

namespace cairn::protocol::kafka {
namespace {

std::vector<std::byte> to_cairn(const KafkaBatch& k) {
  std::vector<std::byte> out(protocol::batch::kHeaderSize + k.records.size());
  write_cairn_batch(k, out);
  return out;
}

TEST(KafkaRecordBatch, ABatchFromAKafkaBrokerVerifiesAndReadsItsFields) {
  auto bytes = test::golden_batch();
  auto batch = parse_kafka_batch(bytes);
  ASSERT_TRUE(batch) << batch.error().to_string();
  EXPECT_EQ(batch->size, 71u);
  EXPECT_EQ(batch->crc, 0x0318A270u);
  EXPECT_EQ(crc32c(Bytes(bytes).subspan(batch::kCrcFrom)), 0x0318A270u);
  const BatchHeader& h = batch->header;
  EXPECT_EQ(h.base_offset, Offset(0));
  EXPECT_EQ(h.leader_epoch, 1);
  EXPECT_EQ(h.attributes, 0);
  EXPECT_EQ(h.first_timestamp, 1503229838908);
  EXPECT_EQ(h.max_timestamp, 1503229838908);
  EXPECT_EQ(h.producer_id, -1);
  EXPECT_EQ(h.producer_epoch, -1);
  EXPECT_EQ(h.base_sequence, -1);
  EXPECT_EQ(h.record_count, 1);
  EXPECT_EQ(h.batch_length, protocol::batch::kHeaderSize + 10);
  EXPECT_EQ(batch->records.data(), bytes.data() + batch::kHeaderSize);
}

TEST(KafkaRecordBatch, TranslatedBatchesAreValidCairnBatchesWithTheSameRecords) {
  for (const auto& bytes : {test::golden_batch(), test::golden_batch_with_header()}) {
    auto kafka = parse_kafka_batch(bytes);
    ASSERT_TRUE(kafka) << kafka.error().to_string();
    auto cairn = to_cairn(*kafka);
    auto view = RecordBatchView::parse(cairn, Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    EXPECT_TRUE(view->validate_records().is_ok());
    EXPECT_TRUE(std::ranges::equal(view->records_bytes(), kafka->records));
    RecordReader reader(*view);
    RecordView record;
    ASSERT_TRUE(reader.next(record));
    EXPECT_EQ(to_millis(record.timestamp), kafka->header.first_timestamp);
    EXPECT_FALSE(record.key.has_value());
    auto headers = record.headers();
    if (record.header_count == 1) {
      EXPECT_EQ(as_string_view(*record.value), "hdr");
      EXPECT_EQ(headers[0].key, "hkey");
      EXPECT_EQ(as_string_view(*headers[0].value), "hval");
    } else {
      EXPECT_EQ(as_string_view(*record.value), "123");
    }
  }
}

TEST(KafkaRecordBatch, AStoredBatchTranslatesBackToTheKafkaBatchByteForByte) {
  for (const auto& bytes : {test::golden_batch(), test::golden_batch_with_header()}) {
    auto kafka = parse_kafka_batch(bytes);
    ASSERT_TRUE(kafka);
    auto cairn = to_cairn(*kafka);
    // The broker assigns offsets in the stored batch; the Kafka CRC does not cover them.
    assign_offsets(cairn, Offset(1000), 4);
    auto stored = decode_batch_header(cairn);
    ASSERT_TRUE(stored);
    uint32_t records_crc = crc32c(kafka->records);
    EXPECT_EQ(records_crc_from_batch_crc(*stored, kafka->crc, kafka->records.size()), records_crc);
    std::array<std::byte, batch::kHeaderSize> header;
    write_kafka_header(*stored, records_crc, header);
    std::vector<std::byte> fetched(header.begin(), header.end());
    fetched.insert(fetched.end(), kafka->records.begin(), kafka->records.end());
    auto expected = bytes;
    store_be<int64_t>(expected.data() + batch::kBaseOffsetAt, 1000);
    store_be<int32_t>(expected.data() + batch::kLeaderEpochAt, 4);
    EXPECT_EQ(fetched, expected);
    EXPECT_TRUE(parse_kafka_batch(fetched));
  }
}

TEST(KafkaRecordBatch, AFlippedBitAnywhereTheCrcCoversIsCaught) {
  auto bytes = test::golden_batch();
  for (size_t i = batch::kCrcAt; i < bytes.size(); ++i) {
    for (int bit : {0, 7}) {
      auto bad = bytes;
      bad[i] ^= static_cast<std::byte>(1 << bit);
      auto parsed = parse_kafka_batch(bad);
      ASSERT_FALSE(parsed) << "byte " << i << " bit " << bit;
      EXPECT_EQ(parsed.error().code(), Status::Code::kCorruption);
    }
  }
}

TEST(KafkaRecordBatch, EveryTruncationIsRejected) {
  auto bytes = test::golden_batch();
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(parse_kafka_batch(Bytes(bytes).first(n))) << n;
  }
}

TEST(KafkaRecordBatch, OldMessageFormatsAndBadLengthsAreRefused) {
  auto bytes = test::golden_batch();
  auto v1 = bytes;
  v1[batch::kMagicAt] = std::byte{1};
  auto old = parse_kafka_batch(v1);
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code(), Status::Code::kInvalidArgument);
  for (int32_t length : {-1, 0, 48, 60, INT32_MAX}) {
    auto bad = bytes;
    store_be<int32_t>(bad.data() + batch::kBatchLengthAt, length);
    EXPECT_FALSE(parse_kafka_batch(bad)) << length;
  }
}

// Fields the CRC covers but Cairn cannot store are refused even with a valid CRC.
TEST(KafkaRecordBatch, BatchesCairnCannotRepresentAreRefusedWithAValidCrc) {
  auto reseal = [](std::vector<std::byte> b) {
    store_be<uint32_t>(b.data() + batch::kCrcAt, crc32c(Bytes(b).subspan(batch::kCrcFrom)));
    return b;
  };
  auto bytes = test::golden_batch();
  auto horizon = bytes;
  store_be<int16_t>(horizon.data() + batch::kAttributesAt, batch::kDeleteHorizonBit);
  EXPECT_FALSE(parse_kafka_batch(reseal(horizon)));
  auto codec = bytes;
  store_be<int16_t>(codec.data() + batch::kAttributesAt, 5);
  EXPECT_FALSE(parse_kafka_batch(reseal(codec)));
  auto empty = bytes;
  store_be<int32_t>(empty.data() + batch::kRecordCountAt, 0);
  store_be<int32_t>(empty.data() + batch::kLastOffsetDeltaAt, -1);
  EXPECT_FALSE(parse_kafka_batch(reseal(empty)));
  auto too_many = bytes;
  store_be<int32_t>(too_many.data() + batch::kRecordCountAt, 2);
  store_be<int32_t>(too_many.data() + batch::kLastOffsetDeltaAt, 1);
  EXPECT_FALSE(parse_kafka_batch(reseal(too_many)));
  auto backwards = bytes;
  store_be<int64_t>(backwards.data() + batch::kMaxTimestampAt, 5);
  EXPECT_FALSE(parse_kafka_batch(reseal(backwards)));
  EXPECT_TRUE(parse_kafka_batch(reseal(bytes)));
}

TEST(KafkaRecordBatch, CompressedPayloadsPassThroughUntouched) {
  // A gzip batch's payload is opaque here: only the CRC and the header are checked.
  auto bytes = test::golden_batch();
  store_be<int16_t>(bytes.data() + batch::kAttributesAt, 1);
  store_be<uint32_t>(bytes.data() + batch::kCrcAt, crc32c(Bytes(bytes).subspan(batch::kCrcFrom)));
  auto kafka = parse_kafka_batch(bytes);
  ASSERT_TRUE(kafka) << kafka.error().to_string();
  EXPECT_EQ(kafka->header.compression(), Compression::kGzip);
  auto cairn = to_cairn(*kafka);
  auto view = RecordBatchView::parse(cairn, Verify::kStored);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_EQ(view->header().compression(), Compression::kGzip);
}

}  // namespace
}  // namespace cairn::protocol::kafka
