#include "protocol/record_batch.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {
namespace {

struct TestRecord {
  int64_t timestamp_ms;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<std::pair<std::string, std::optional<std::string>>> headers;
};

std::optional<Bytes> opt_bytes(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return as_bytes(*s);
}

std::vector<std::byte> build(const std::vector<TestRecord>& records,
                             RecordBatchBuilder::Options options = {}) {
  RecordBatchBuilder builder(options);
  for (const TestRecord& r : records) {
    std::vector<HeaderEntry> headers;
    for (const auto& [k, v] : r.headers) headers.push_back(HeaderEntry{k, opt_bytes(v)});
    size_t before = builder.size_bytes();
    size_t predicted = builder.record_size(timestamp_from_millis(r.timestamp_ms), opt_bytes(r.key),
                                           opt_bytes(r.value), headers);
    builder.append(timestamp_from_millis(r.timestamp_ms), opt_bytes(r.key), opt_bytes(r.value),
                   headers);
    EXPECT_EQ(builder.size_bytes() - before, predicted);
  }
  return builder.seal();
}

std::string str(std::optional<Bytes> b) { return b ? std::string(as_string_view(*b)) : "<null>"; }

void expect_round_trip(const std::vector<TestRecord>& records) {
  std::vector<std::byte> batch = build(records);
  auto view = RecordBatchView::parse(batch, Verify::kStored);
  ASSERT_TRUE(view) << view.error().to_string();
  ASSERT_TRUE(view->validate_records().is_ok()) << view->validate_records().to_string();
  EXPECT_EQ(view->header().record_count, static_cast<int32_t>(records.size()));
  RecordReader reader(*view);
  RecordView rec;
  size_t i = 0;
  while (reader.next(rec)) {
    ASSERT_LT(i, records.size());
    const TestRecord& want = records[i];
    EXPECT_EQ(rec.offset, Offset(static_cast<int64_t>(i)));
    EXPECT_EQ(to_millis(rec.timestamp), want.timestamp_ms);
    EXPECT_EQ(rec.key.has_value(), want.key.has_value());
    EXPECT_EQ(rec.value.has_value(), want.value.has_value());
    if (want.key) {
      EXPECT_EQ(str(rec.key), *want.key);
    }
    if (want.value) {
      EXPECT_EQ(str(rec.value), *want.value);
    }
    auto headers = rec.headers();
    ASSERT_EQ(headers.size(), want.headers.size());
    for (size_t h = 0; h < headers.size(); ++h) {
      EXPECT_EQ(headers[h].key, want.headers[h].first);
      EXPECT_EQ(headers[h].value.has_value(), want.headers[h].second.has_value());
      if (want.headers[h].second) {
        EXPECT_EQ(str(headers[h].value), *want.headers[h].second);
      }
    }
    ++i;
  }
  ASSERT_TRUE(reader.status().is_ok()) << reader.status().to_string();
  EXPECT_EQ(i, records.size());
}

std::string random_string(std::mt19937_64& rng, size_t max_len) {
  std::string s(rng() % (max_len + 1), '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

TEST(RecordBatch, RandomRecordsRoundTrip) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<TestRecord> records(1 + rng() % 50);
    int64_t ts = 1'700'000'000'000 + static_cast<int64_t>(rng() % 1000);
    for (auto& r : records) {
      r.timestamp_ms = ts + static_cast<int64_t>(rng() % 2000) - 1000;  // not monotonic
      if (rng() % 4) r.key = random_string(rng, 40);
      if (rng() % 8) r.value = random_string(rng, 300);
      for (int h = static_cast<int>(rng() % 4); h > 0; --h) {
        r.headers.emplace_back(random_string(rng, 10),
                               rng() % 3 ? std::optional(random_string(rng, 20)) : std::nullopt);
      }
    }
    expect_round_trip(records);
  }
}

TEST(RecordBatch, EmptyAndNullKeysAndValuesAreDistinct) {
  expect_round_trip({{1000, std::string(), std::string(), {}},
                     {1001, std::nullopt, std::nullopt, {}},
                     {1002, std::string("k"), std::nullopt, {{"h", std::nullopt}, {"", ""}}}});
}

TEST(RecordBatch, LargeValuesRoundTrip) {
  std::string big(3 << 20, 'x');
  big[12345] = 'y';
  expect_round_trip(
      {{5, std::string("key"), big, {}}, {6, std::nullopt, std::string(70000, 'z'), {}}});
}

TEST(RecordBatch, HeaderFieldsComeFromTheBuilder) {
  RecordBatchBuilder::Options options;
  options.producer_id = 77;
  options.producer_epoch = 3;
  options.base_sequence = 1000;
  options.transactional = true;
  auto batch = build({{10, std::nullopt, std::string("a"), {}},
                      {30, std::nullopt, std::string("b"), {}},
                      {20, std::nullopt, std::string("c"), {}}},
                     options);
  auto view = RecordBatchView::parse(batch, Verify::kStored);
  ASSERT_TRUE(view);
  const BatchHeader& h = view->header();
  EXPECT_EQ(h.first_timestamp, 10);
  EXPECT_EQ(h.max_timestamp, 30);
  EXPECT_EQ(h.last_offset_delta, 2);
  EXPECT_EQ(h.record_count, 3);
  EXPECT_EQ(h.producer_id, 77);
  EXPECT_EQ(h.producer_epoch, 3);
  EXPECT_EQ(h.base_sequence, 1000);
  EXPECT_TRUE(h.is_transactional());
  EXPECT_FALSE(h.is_control());
  EXPECT_EQ(h.compression(), Compression::kNone);
}

TEST(RecordBatch, AProducerStampAfterSealingGivesTheSameBytesAsSealingWithTheStamp) {
  std::vector<TestRecord> records = {{10, std::string("k"), std::string("a"), {}},
                                     {20, std::nullopt, std::string("b"), {}}};
  RecordBatchBuilder::Options stamped_options;
  stamped_options.compression = Compression::kZstd;
  stamped_options.producer_id = 77;
  stamped_options.producer_epoch = 3;
  stamped_options.base_sequence = 1000;
  auto sealed_with_stamp = build(records, stamped_options);

  RecordBatchBuilder::Options plain_options;
  plain_options.compression = Compression::kZstd;
  auto stamped_later = build(records, plain_options);
  stamp_producer(stamped_later, ProducerStamp{77, 3, 1000});
  EXPECT_EQ(stamped_later, sealed_with_stamp);
  EXPECT_TRUE(RecordBatchView::parse(stamped_later, Verify::kStored));
}

// The expected bytes come from the table in PROTOCOL.md, not from the encoder.
TEST(RecordBatch, ABuilderReusingASealedBatchsBufferSealsTheSameBytesInThatMemory) {
  std::vector<TestRecord> records = {{10, std::string("k"), std::string("a"), {}},
                                     {20, std::nullopt, std::string("b"), {}}};
  auto fresh = build(records);
  std::vector<std::byte> old(4096, std::byte{0x5a});  // a sealed batch's buffer, say
  const std::byte* memory = old.data();
  RecordBatchBuilder builder;
  builder.reuse(std::move(old));
  for (const TestRecord& r : records) {
    builder.append(timestamp_from_millis(r.timestamp_ms), opt_bytes(r.key), opt_bytes(r.value));
  }
  auto reused = builder.seal();
  EXPECT_EQ(reused, fresh) << "nothing of the old contents remains";
  EXPECT_EQ(reused.data(), memory);
}

TEST(RecordBatch, GoldenBytesMatchTheSpec) {
  std::vector<uint8_t> want = {
      0, 0, 0, 0, 0, 0, 0, 0,                          // base offset
      78, 0, 0, 0,                                     // batch length: 69 + 9
      0, 0, 0, 0,                                      // leader epoch
      0, 0, 0, 0,                                      // header checksum (filled below)
      0, 0, 0, 0, 0, 0, 0, 0,                          // checksum (filled below)
      1,                                               // magic
      0, 0,                                            // attributes
      0, 0, 0, 0,                                      // last offset delta
      0xe8, 3, 0, 0, 0, 0, 0, 0,                       // first timestamp 1000
      0xe8, 3, 0, 0, 0, 0, 0, 0,                       // max timestamp 1000
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // producer id -1
      0xff, 0xff,                                      // producer epoch -1
      0xff, 0xff, 0xff, 0xff,                          // base sequence -1
      1, 0, 0, 0,                                      // record count
      // record: length 8 (zig-zag 16), attributes, ts delta 0, offset delta 0,
      // key length 1 (zig-zag 2) "k", value length 1 "v", header count 0
      0x10, 0, 0, 0, 2, 'k', 2, 'v', 0};
  ASSERT_EQ(want.size(), 78u);
  uint64_t checksum = XXH3_64bits(want.data() + 28, want.size() - 28);
  for (int i = 0; i < 8; ++i) want[20 + i] = static_cast<uint8_t>(checksum >> (8 * i));
  auto header_sum = static_cast<uint32_t>(XXH3_64bits(want.data(), 16));
  for (int i = 0; i < 4; ++i) want[16 + i] = static_cast<uint8_t>(header_sum >> (8 * i));

  auto got = build({{1000, std::string("k"), std::string("v"), {}}});
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(got[i]), want[i]) << "byte " << i;
  }
}

std::vector<std::byte> sample_stored_batch() {
  auto batch = build({{100, std::string("key-1"), std::string("value-1"), {{"h", "x"}}},
                      {105, std::nullopt, std::string("value-2"), {}},
                      {103, std::string(""), std::nullopt, {}}});
  assign_offsets(batch, Offset(123456), 7);
  return batch;
}

TEST(RecordBatch, AssignOffsetsKeepsTheBatchValid) {
  auto batch = sample_stored_batch();
  auto view = RecordBatchView::parse(batch, Verify::kStored);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_EQ(view->header().base_offset, Offset(123456));
  EXPECT_EQ(view->header().leader_epoch, 7);
  EXPECT_EQ(view->header().last_offset(), Offset(123458));
  EXPECT_TRUE(view->validate_records().is_ok());
}

TEST(RecordBatch, EveryFlippedBitOfAStoredBatchIsDetected) {
  const auto original = sample_stored_batch();
  for (size_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      auto batch = original;
      batch[byte] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      auto view = RecordBatchView::parse(batch, Verify::kStored);
      EXPECT_FALSE(view) << "flip of bit " << bit << " of byte " << byte << " went unnoticed";
    }
  }
}

TEST(RecordBatch, EveryTruncationIsRejected) {
  const auto original = sample_stored_batch();
  for (size_t len = 0; len < original.size(); ++len) {
    std::span<const std::byte> cut(original.data(), len);
    EXPECT_FALSE(RecordBatchView::parse(cut, Verify::kStored)) << len;
    EXPECT_FALSE(RecordBatchView::parse(cut, Verify::kProduced)) << len;
  }
}

TEST(RecordBatch, ProducedBatchesIgnoreBrokerFields) {
  auto batch = sample_stored_batch();
  store_le<int64_t>(batch.data(), 999);  // broker field changed without its header checksum
  EXPECT_FALSE(RecordBatchView::parse(batch, Verify::kStored));
  EXPECT_TRUE(RecordBatchView::parse(batch, Verify::kProduced));
}

// Rewrites a batch's header field and reseals its checksums, so only the structural checks stand.
template <typename T>
std::vector<std::byte> with_field(std::vector<std::byte> batch, size_t at, T value) {
  store_le<T>(batch.data() + at, value);
  store_le<uint64_t>(batch.data() + batch::kChecksumAt, batch_checksum(batch));
  store_le<uint32_t>(batch.data() + batch::kHeaderChecksumAt, header_checksum(batch));
  return batch;
}

TEST(RecordBatch, StructuralChecksCatchWellChecksummedLies) {
  const auto good = sample_stored_batch();
  // Record count that the records do not match.
  auto count = with_field<int32_t>(good, batch::kRecordCountAt, 4);
  auto parsed = RecordBatchView::parse(count, Verify::kStored);
  EXPECT_FALSE(parsed);  // more records than the offset range holds
  auto both = with_field<int32_t>(with_field<int32_t>(good, batch::kRecordCountAt, 2),
                                  batch::kLastOffsetDeltaAt, 1);
  auto view = RecordBatchView::parse(both, Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->validate_records().is_ok());
  // Max timestamp that no record carries.
  auto max_ts = with_field<int64_t>(good, batch::kMaxTimestampAt, 104);
  view = RecordBatchView::parse(max_ts, Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_FALSE(view->validate_records().is_ok());
  // Unknown attributes and compression.
  EXPECT_FALSE(RecordBatchView::parse(with_field<uint16_t>(good, batch::kAttributesAt, 0x100),
                                      Verify::kStored));
  auto zstd_claimed = with_field<uint16_t>(good, batch::kAttributesAt, 4);
  view = RecordBatchView::parse(zstd_claimed, Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->validate_records().code(), Status::Code::kInvalidArgument);
  // A huge record count is refused before anything walks the records.
  EXPECT_FALSE(RecordBatchView::parse(with_field<int32_t>(good, batch::kRecordCountAt, INT32_MAX),
                                      Verify::kStored));
}

TEST(RecordBatch, MalformedRecordsAreReportedNotReadPast) {
  // One record whose key length claims more bytes than the record holds.
  RecordBatchBuilder builder;
  builder.append(timestamp_from_millis(1), as_bytes("k"), as_bytes("value"));
  auto batch = builder.seal();
  size_t key_len_at = batch::kHeaderSize + 4;  // length, attributes, ts delta, offset delta
  ASSERT_EQ(static_cast<uint8_t>(batch[key_len_at]), 2);
  batch[key_len_at] = std::byte{0x7e};  // 63
  store_le<uint64_t>(batch.data() + batch::kChecksumAt, batch_checksum(batch));
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  ASSERT_TRUE(view);
  Status s = view->validate_records();
  // The checksum matched, so the record was built that way: not corruption.
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("key length"), std::string::npos) << s.message();
}

// The same rule broken in a produced batch and in a stored one: a produced batch whose
// checksum matches was built wrong (kInvalidArgument, not worth sending again); a stored one was
// damaged (kCorruption). A checksum that does not match is corruption either way.
TEST(RecordBatch, ABrokenRuleIsInvalidInAProducedBatchAndCorruptionInAStoredOne) {
  const auto good = sample_stored_batch();
  std::vector<std::vector<std::byte>> broken = {
      with_field<int64_t>(good, batch::kMaxTimestampAt, 1),         // before the first
      with_field<int32_t>(good, batch::kLastOffsetDeltaAt, 1),      // count mismatch
      with_field<uint16_t>(good, batch::kAttributesAt, 0x100),      // undefined bit
      with_field<int32_t>(good, batch::kRecordCountAt, INT32_MAX),  // cannot fit
      with_field<uint8_t>(good, batch::kMagicAt, 9),                // unknown format
  };
  for (size_t i = 0; i < broken.size(); ++i) {
    auto produced = RecordBatchView::parse(broken[i], Verify::kProduced);
    ASSERT_FALSE(produced) << i;
    EXPECT_EQ(produced.error().code(), Status::Code::kInvalidArgument) << i;
    auto stored = RecordBatchView::parse(broken[i], Verify::kStored);
    ASSERT_FALSE(stored) << i;
    EXPECT_EQ(stored.error().code(), Status::Code::kCorruption) << i;
  }
  auto flipped = good;
  flipped.back() ^= std::byte{1};
  EXPECT_EQ(RecordBatchView::parse(flipped, Verify::kProduced).error().code(),
            Status::Code::kCorruption);
  // Records that break a rule under a good checksum.
  auto max_ts = with_field<int64_t>(good, batch::kMaxTimestampAt, 104);
  auto view = RecordBatchView::parse(max_ts, Verify::kProduced);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->validate_records().code(), Status::Code::kInvalidArgument);
  // Offset gaps: a compacted stored batch may have them, a produced one may not.
  auto gapped = with_field<int32_t>(good, batch::kLastOffsetDeltaAt, 5);
  EXPECT_EQ(RecordBatchView::parse(gapped, Verify::kProduced).error().code(),
            Status::Code::kInvalidArgument);
  EXPECT_TRUE(RecordBatchView::parse(gapped, Verify::kStored));
}

TEST(RecordBatch, AProducerMayNotAskForLogAppendTimeTransactionsOrControl) {
  const auto good = sample_stored_batch();
  for (uint16_t bit : {batch::kTimestampTypeBit, batch::kTransactionalBit, batch::kControlBit}) {
    auto b = with_field<uint16_t>(good, batch::kAttributesAt, bit);
    auto produced = RecordBatchView::parse(b, Verify::kProduced);
    ASSERT_FALSE(produced) << bit;
    EXPECT_EQ(produced.error().code(), Status::Code::kInvalidArgument) << bit;
    EXPECT_TRUE(RecordBatchView::parse(b, Verify::kStored)) << "stored batches keep their bits";
  }
}

TEST(RecordBatch, AProducedTransactionalBatchNeedsAProducerIdEpochAndSequence) {
  RecordBatchBuilder::Options o{
      .producer_id = 7, .producer_epoch = 0, .base_sequence = 0, .transactional = true};
  RecordBatchBuilder builder(o);
  builder.append(timestamp_from_millis(1), as_bytes("k"), as_bytes("v"));
  auto txn = builder.seal();
  EXPECT_TRUE(RecordBatchView::parse(txn, Verify::kProduced));
  o.base_sequence = -1;
  builder.set_options(o);
  builder.append(timestamp_from_millis(1), as_bytes("k"), as_bytes("v"));
  auto no_sequence = builder.seal();
  EXPECT_EQ(RecordBatchView::parse(no_sequence, Verify::kProduced).error().code(),
            Status::Code::kInvalidArgument);
}

TEST(RecordBatch, OnlyAMarkerTheBrokerBuiltMayCarryTheControlBit) {
  auto marker =
      build_control_batch({.producer_id = 7, .producer_epoch = 1, .result = TxnResult::kCommit});
  EXPECT_FALSE(RecordBatchView::parse(marker, Verify::kProduced));
  EXPECT_TRUE(RecordBatchView::parse(marker, Verify::kMarker));
}

TEST(RecordBatch, RecordAttributesMustBeZeroInAProducedBatch) {
  RecordBatchBuilder builder;
  builder.append(timestamp_from_millis(1), as_bytes("k"), as_bytes("v"));
  auto b = builder.seal();
  b[batch::kHeaderSize + 1] = std::byte{1};  // after the record's one-byte length
  store_le<uint64_t>(b.data() + batch::kChecksumAt, batch_checksum(b));
  auto view = RecordBatchView::parse(b, Verify::kProduced);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->validate_records().code(), Status::Code::kInvalidArgument);
}

TEST(RecordBatch, AProducedBatchMayCarryAnyBaseOffset) {
  auto b = sample_stored_batch();
  store_le<int64_t>(b.data() + batch::kBaseOffsetAt, -5);
  EXPECT_TRUE(RecordBatchView::parse(b, Verify::kProduced));
  EXPECT_FALSE(RecordBatchView::parse(b, Verify::kStored));
}

TEST(BatchIterator, WalksBatchesStoredBackToBackAndEndsCleanly) {
  std::vector<std::byte> bytes;
  for (int i = 0; i < 3; ++i) {
    auto b = build({{1000 + i, "k", std::string(static_cast<size_t>(i) * 10, 'v'), {}}});
    assign_offsets(b, Offset(i), 0);
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  BatchIterator batches(bytes, Verify::kStored);
  int64_t expected = 0;
  while (auto batch = batches.next()) {
    EXPECT_EQ(batch->header().base_offset, Offset(expected));
    ++expected;
  }
  EXPECT_EQ(expected, 3);
  EXPECT_TRUE(batches.status().is_ok()) << batches.status().to_string();
  EXPECT_EQ(batches.position(), bytes.size());
  EXPECT_TRUE(batches.rest().empty());
}

TEST(BatchIterator, StopsAtABadBatchAndSaysWhereItStarts) {
  auto first = build({{1000, "k", "v", {}}});
  auto second = build({{1001, "k", "w", {}}});
  std::vector<std::byte> bytes(first);
  bytes.insert(bytes.end(), second.begin(), second.end());
  bytes.back() ^= std::byte{0x01};  // the second batch's checksum no longer matches
  BatchIterator batches(bytes, Verify::kProduced);
  ASSERT_TRUE(batches.next());
  EXPECT_FALSE(batches.next());
  EXPECT_EQ(batches.status().code(), Status::Code::kCorruption);
  EXPECT_EQ(batches.position(), first.size());
  EXPECT_EQ(batches.rest().size(), second.size());
  EXPECT_FALSE(batches.next()) << "a failed iterator stays failed";
}

TEST(BatchIterator, ATruncatedLastBatchIsAnError) {
  auto b = build({{1000, "k", "v", {}}});
  b.pop_back();
  BatchIterator batches(b, Verify::kProduced);
  EXPECT_FALSE(batches.next());
  EXPECT_FALSE(batches.status().is_ok());
  EXPECT_EQ(batches.position(), 0u);
}

// Splitting a produce entry's batches reads their length fields only; the checks come after.
TEST(BatchIterator, FramingOnlySplitsBatchesWhoseChecksumsDoNotMatch) {
  auto first = build({{1000, "k", "v", {}}});
  auto second = build({{1001, "k", "w", {}}});
  std::vector<std::byte> bytes(first);
  bytes.insert(bytes.end(), second.begin(), second.end());
  bytes.back() ^= std::byte{0x01};
  BatchIterator batches(bytes, Verify::kFramingOnly);
  auto a = batches.next();
  auto b = batches.next();
  ASSERT_TRUE(a && b) << batches.status().to_string();
  EXPECT_EQ(a->bytes().size(), first.size());
  EXPECT_EQ(b->bytes().size(), second.size());
  EXPECT_FALSE(batches.next());
  EXPECT_TRUE(batches.status().is_ok());
}

TEST(BatchIterator, FramingOnlyRefusesALengthPastTheBytesAsAnInvalidArgument) {
  auto b = build({{1000, "k", "v", {}}});
  store_le<uint32_t>(b.data() + batch::kBatchLengthAt, static_cast<uint32_t>(b.size() + 1));
  BatchIterator batches(b, Verify::kFramingOnly);
  EXPECT_FALSE(batches.next());
  EXPECT_EQ(batches.status().code(), Status::Code::kInvalidArgument);
  std::vector<std::byte> short_header(batch::kHeaderSize - 1);
  BatchIterator cut(short_header, Verify::kFramingOnly);
  EXPECT_FALSE(cut.next());
  EXPECT_EQ(cut.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::protocol

namespace cairn::protocol {
namespace {

std::vector<TestRecord> clickstream_records(int n) {
  std::vector<TestRecord> out;
  out.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    out.push_back({1000 + i,
                   "user-" + std::to_string(i % 17),
                   R"({"event":"page_view","page":"/products/)" + std::to_string(i % 40) +
                       R"(","session":"s-)" + std::to_string(i % 5) + R"(","ms":)" +
                       std::to_string(i * 13) + "}",
                   {{"source", "web"}}});
  }
  return out;
}

class CompressedBatch : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedBatch, SealsSmallerAndReadsBackEveryRecord) {
  auto records = clickstream_records(200);
  auto plain = build(records);
  auto batch = build(records, {.compression = GetParam()});
  EXPECT_LT(batch.size(), plain.size() / 2);
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_EQ(view->header().compression(), GetParam());
  ASSERT_TRUE(view->validate_records().is_ok()) << view->validate_records().to_string();
  auto decoded = BatchRecords::open(*view);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->bytes().size(), plain.size() - batch::kHeaderSize);
  RecordReader reader = decoded->reader();
  RecordView rec;
  size_t i = 0;
  while (reader.next(rec)) {
    ASSERT_LT(i, records.size());
    EXPECT_EQ(str(rec.key), *records[i].key);
    EXPECT_EQ(str(rec.value), *records[i].value);
    ASSERT_EQ(rec.headers().size(), 1u);
    ++i;
  }
  EXPECT_TRUE(reader.status().is_ok()) << reader.status().to_string();
  EXPECT_EQ(i, records.size());
}

TEST_P(CompressedBatch, IsNotReadAsPlainRecords) {
  auto batch = build(clickstream_records(3), {.compression = GetParam()});
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  ASSERT_TRUE(view);
  RecordReader reader(*view);
  RecordView rec;
  EXPECT_FALSE(reader.next(rec));
  EXPECT_EQ(reader.status().code(), Status::Code::kInvalidArgument);
}

TEST_P(CompressedBatch, MayHoldMoreRecordsThanItsCompressedBytesCouldAsPlainOnes) {
  // 2,000 identical records compress to far less than 7 bytes each.
  std::vector<TestRecord> records(2000, TestRecord{5, std::nullopt, std::string(40, 'a'), {}});
  auto batch = build(records, {.compression = GetParam()});
  ASSERT_LT(batch.size(), 2000 * batch::kMinRecordSize);
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  ASSERT_TRUE(view) << view.error().to_string();
  EXPECT_TRUE(view->validate_records().is_ok());
}

TEST_P(CompressedBatch, WhoseRecordsDecompressPastTheLimitIsRefusedNamingTheCodec) {
  std::vector<TestRecord> records(5000, TestRecord{5, std::nullopt, std::string(200, 'z'), {}});
  auto batch = build(records, {.compression = GetParam()});
  auto view = RecordBatchView::parse(batch, Verify::kProduced);
  ASSERT_TRUE(view);
  Status s = view->validate_records(size_t{64} * 1024);
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find(compression_name(GetParam())), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("65536"), std::string::npos) << s.message();
}

TEST_P(CompressedBatch, EveryFlippedByteOfItsCompressedRecordsIsDetected) {
  auto batch = build(clickstream_records(20), {.compression = GetParam()});
  for (size_t i = batch::kHeaderSize; i < batch.size(); ++i) {
    auto b = batch;
    b[i] ^= std::byte{0x40};
    EXPECT_EQ(RecordBatchView::parse(b, Verify::kProduced).error().code(),
              Status::Code::kCorruption);
  }
}

INSTANTIATE_TEST_SUITE_P(Codecs, CompressedBatch,
                         ::testing::Values(Compression::kGzip, Compression::kSnappy,
                                           Compression::kLz4, Compression::kZstd),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(RecordBatch, AnUnknownCompressionCodecIsRefused) {
  auto good = sample_stored_batch();
  auto b = with_field<uint16_t>(good, batch::kAttributesAt, 5);
  EXPECT_EQ(RecordBatchView::parse(b, Verify::kStored).error().code(), Status::Code::kCorruption);
  EXPECT_EQ(RecordBatchView::parse(b, Verify::kProduced).error().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace cairn::protocol
