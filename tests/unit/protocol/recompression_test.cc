#include "protocol/recompression.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/record_batch_builder.h"

namespace cairn::protocol {
namespace {

constexpr Compression kCodecs[] = {Compression::kNone, Compression::kGzip, Compression::kSnappy,
                                   Compression::kLz4, Compression::kZstd};

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(std::byte(c));
  return out;
}

struct Record {
  int64_t offset_delta;
  int64_t timestamp;
  std::optional<std::vector<std::byte>> key;
  std::optional<std::vector<std::byte>> value;
  friend bool operator==(const Record&, const Record&) = default;
};

std::vector<std::byte> idempotent_batch(Compression codec) {
  RecordBatchBuilder::Options options;
  options.producer_id = 4711;
  options.producer_epoch = 3;
  options.base_sequence = 120;
  options.compression = codec;
  RecordBatchBuilder builder(options);
  for (int i = 0; i < 40; ++i) {
    auto key = bytes_of("user-" + std::to_string(i % 7));
    auto value = bytes_of(R"({"page":"/item/)" + std::to_string(i * 13) + R"(","event":"click"})");
    builder.append(Timestamp(std::chrono::milliseconds(1'700'000'000'000 + i)), Bytes(key),
                   i == 5 ? std::optional<Bytes>() : std::optional<Bytes>(Bytes(value)));
  }
  return builder.seal();
}

std::vector<Record> records_of(const RecordBatchView& batch) {
  auto records = BatchRecords::open(batch);
  EXPECT_TRUE(records) << records.error().to_string();
  std::vector<Record> out;
  RecordReader reader = records->reader();
  RecordView r;
  while (reader.next(r)) {
    Record rec{r.offset.value() - batch.header().base_offset.value(),
               r.timestamp.time_since_epoch().count(), std::nullopt, std::nullopt};
    if (r.key) rec.key.emplace(r.key->begin(), r.key->end());
    if (r.value) rec.value.emplace(r.value->begin(), r.value->end());
    out.push_back(std::move(rec));
  }
  EXPECT_TRUE(reader.status().is_ok()) << reader.status().to_string();
  return out;
}

size_t records_of_size(const RecordBatchView& batch) {
  auto records = BatchRecords::open(batch);
  return records ? records->bytes().size() : 0;
}

TEST(RecompressionTest, EveryCodecRecompressesToEveryOtherWithTheSameRecordsAndProducerFields) {
  for (Compression from : kCodecs) {
    auto sent = idempotent_batch(from);
    auto before = RecordBatchView::parse(sent, Verify::kProduced);
    ASSERT_TRUE(before) << before.error().to_string();
    for (Compression to : kCodecs) {
      if (to == from) continue;
      SCOPED_TRACE(std::string(compression_name(from)) + " to " +
                   std::string(compression_name(to)));
      auto rewritten = recompress_batch(*before, to, batch::kDefaultMaxDecompressedBytes);
      ASSERT_TRUE(rewritten) << rewritten.error().to_string();
      ASSERT_TRUE(rewritten->has_value());
      // The checksum is recomputed over the new bytes: the produced batch verifies.
      auto after = RecordBatchView::parse((*rewritten)->bytes, Verify::kProduced);
      ASSERT_TRUE(after) << after.error().to_string();
      EXPECT_TRUE(after->validate_records().is_ok());
      const BatchHeader& a = after->header();
      const BatchHeader& b = before->header();
      EXPECT_EQ(a.compression(), to);
      EXPECT_EQ((*rewritten)->plain_bytes, records_of_size(*before));
      EXPECT_EQ(a.batch_length, (*rewritten)->bytes.size());
      EXPECT_EQ(a.producer_id, b.producer_id);
      EXPECT_EQ(a.producer_epoch, b.producer_epoch);
      EXPECT_EQ(a.base_sequence, b.base_sequence);
      EXPECT_EQ(a.record_count, b.record_count);
      EXPECT_EQ(a.last_offset_delta, b.last_offset_delta);
      EXPECT_EQ(a.first_timestamp, b.first_timestamp);
      EXPECT_EQ(a.max_timestamp, b.max_timestamp);
      EXPECT_EQ(a.attributes & ~batch::kCompressionMask, b.attributes & ~batch::kCompressionMask);
      EXPECT_EQ(records_of(*after), records_of(*before));
    }
  }
}

TEST(RecompressionTest, ABatchAlreadyInTheTopicsCodecIsKeptAsSent) {
  for (Compression codec : kCodecs) {
    auto sent = idempotent_batch(codec);
    auto view = RecordBatchView::parse(sent, Verify::kProduced);
    ASSERT_TRUE(view);
    auto rewritten = recompress_batch(*view, codec, batch::kDefaultMaxDecompressedBytes);
    ASSERT_TRUE(rewritten);
    EXPECT_FALSE(rewritten->has_value()) << compression_name(codec);
  }
}

TEST(RecompressionTest, ZstdOfRepetitiveRecordsIsSmallerThanThePlainBatch) {
  auto plain = idempotent_batch(Compression::kNone);
  auto view = RecordBatchView::parse(plain, Verify::kProduced);
  ASSERT_TRUE(view);
  auto zstd = recompress_batch(*view, Compression::kZstd, batch::kDefaultMaxDecompressedBytes);
  ASSERT_TRUE(zstd && zstd->has_value());
  EXPECT_LT((*zstd)->bytes.size(), plain.size());
}

TEST(RecompressionTest, RecordsThatDecompressPastTheLimitAreRefused) {
  auto sent = idempotent_batch(Compression::kZstd);
  auto view = RecordBatchView::parse(sent, Verify::kProduced);
  ASSERT_TRUE(view);
  auto refused = recompress_batch(*view, Compression::kLz4, 64);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::protocol
