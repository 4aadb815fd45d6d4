// Decoding a partition's fetched batches into records: the offset asked for, a batch that fails
// verification, and where a reader can go on past it.
#include "client/src/fetched_records.h"

#include <gtest/gtest.h>

#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/test_util.h"
#include "tests/unit/client/fetched_records_util.h"

namespace cairn::client {
namespace {

using testing::BatchSpec;
using testing::make_batch;

// Stored batches of `counts[i]` records each, back to back from offset 0.
std::vector<std::byte> stored_batches(const std::vector<int>& counts) {
  std::vector<std::byte> out;
  int64_t offset = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    auto batch = make_batch({.records = counts[i], .seed = i});
    protocol::assign_offsets(batch, Offset(offset), 0);
    offset += counts[i];
    out.insert(out.end(), batch.begin(), batch.end());
  }
  return out;
}

std::vector<int64_t> offsets_of(const FetchedPartition& f) {
  std::vector<int64_t> out;
  for (const auto& r : records_of(f)) out.push_back(r.offset);
  return out;
}

TEST(FetchedRecords, EveryRecordFromTheOffsetAskedForIsDecoded) {
  auto bytes = stored_batches({3, 2});
  FetchedPartition f;
  f.tp = {"t", 0};
  decode_partition(bytes, 1, f);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(f.next_fetch, 5);
  EXPECT_TRUE(f.corruption.is_ok());
  auto records = records_of(f);
  EXPECT_EQ(records[0].value, testing::expected_value({.records = 3, .seed = 0}, 1));
  EXPECT_EQ(records[0].topic_partition, (TopicPartition{"t", 0}));
  size_t bytes_counted = 0;
  for (const auto& r : records) bytes_counted += buffered_size(r);
  EXPECT_EQ(f.bytes, bytes_counted);
}

TEST(FetchedRecords, CompressedBatchesAreDecompressedAndTooBigOnesRefused) {
  protocol::RecordBatchBuilder builder({.compression = protocol::Compression::kLz4});
  for (int i = 0; i < 300; ++i) {
    builder.append(timestamp_from_millis(i), std::nullopt,
                   protocol::as_bytes("value-" + std::string(100, 'a')));
  }
  auto batch = builder.seal();
  protocol::assign_offsets(batch, Offset(0), 0);
  FetchedPartition f;
  decode_partition(batch, 10, f);
  EXPECT_EQ(records_of(f).size(), 290u);
  EXPECT_EQ(f.next_fetch, 300);
  EXPECT_TRUE(f.corruption.is_ok());

  FetchedPartition small;
  decode_partition(batch, 0, small, 4096);
  EXPECT_TRUE(small.batches.empty());
  EXPECT_FALSE(small.corruption.is_ok());
  EXPECT_NE(small.corruption.message().find("lz4"), std::string::npos);
  EXPECT_EQ(small.resume_at, 300) << "past the batch it cannot take";
}

TEST(FetchedRecords, ACorruptBatchKeepsTheBatchesBeforeItAndSaysWhereTheNextOneStarts) {
  auto bytes = stored_batches({2, 2, 1});
  size_t second = make_batch({.records = 2, .seed = 0}).size();
  bytes[second + protocol::batch::kHeaderSize + 3] ^= std::byte{0x10};  // in its records
  FetchedPartition f;
  decode_partition(bytes, 0, f);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(f.next_fetch, 2);
  EXPECT_EQ(f.corruption.code(), Status::Code::kCorruption) << f.corruption.to_string();
  EXPECT_EQ(f.resume_at, 4);
}

TEST(FetchedRecords, ACutLastBatchIsReportedAfterTheWholeOnes) {
  auto bytes = stored_batches({2, 2});
  bytes.resize(bytes.size() - 5);
  FetchedPartition f;
  decode_partition(bytes, 0, f);
  EXPECT_EQ(offsets_of(f), (std::vector<int64_t>{0, 1}));
  EXPECT_FALSE(f.corruption.is_ok());
  EXPECT_EQ(f.next_fetch, 2);
}

TEST(FetchedRecords, WithNothingTrustworthyAfterABadBatchAReaderGoesOnOneOffsetLater) {
  auto bytes = stored_batches({2});
  bytes[protocol::batch::kBaseOffsetAt] ^= std::byte{1};  // breaks the header checksum
  EXPECT_EQ(resume_offset(bytes, 0), 1);
}

TEST(FetchedRecords, OnlyThePartitionsAskedForAreDecoded) {
  auto bytes = stored_batches({1});
  protocol::FetchResponse response;
  response.topics.push_back({"t",
                             {{0, protocol::ErrorCode::kNone, 1, 0, bytes, 0, 0},
                              {1, protocol::ErrorCode::kNone, 1, 0, bytes, 0, 0},
                              {2, protocol::ErrorCode::kPartitionOffline, -1, -1, {}, 0, 0}}});
  auto fetched = decode_fetch(response, nullptr, {{{"t", 0}, 0}, {{"t", 2}, 0}});
  ASSERT_EQ(fetched.size(), 2u);
  EXPECT_EQ(fetched[0].tp, (TopicPartition{"t", 0}));
  EXPECT_EQ(records_of(fetched[0]).size(), 1u);
  EXPECT_EQ(fetched[1].error, protocol::ErrorCode::kPartitionOffline);
  EXPECT_TRUE(fetched[1].batches.empty());
}

}  // namespace
}  // namespace cairn::client
