#include "client/src/buffered_records.h"

#include <gtest/gtest.h>

#include <string>

#include "client/src/fetched_records.h"

namespace cairn::client {
namespace {

// Records [first, first + n) of partition t-0, each with a value of `value_bytes` bytes.
std::vector<ConsumerRecord> records(int64_t first, int n, size_t value_bytes = 10) {
  std::vector<ConsumerRecord> out;
  for (int i = 0; i < n; ++i) {
    ConsumerRecord& r = out.emplace_back();
    r.topic_partition = {"t", 0};
    r.offset = first + i;
    r.value = std::string(value_bytes, 'v');
  }
  return out;
}

std::vector<int64_t> offsets(const std::vector<ConsumerRecord>& rs) {
  std::vector<int64_t> out;
  for (const auto& r : rs) out.push_back(r.offset);
  return out;
}

TEST(BufferedRecordsTest, TakesInOffsetOrderAcrossFetchesUpToTheLimit) {
  BufferedRecords b;
  b.append(records(0, 3));
  b.append(records(3, 2));
  std::vector<ConsumerRecord> out;
  auto first = b.take(4, out);
  EXPECT_EQ(first.count, 4U);
  EXPECT_EQ(first.next_offset, 4);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_FALSE(b.empty());
  std::vector<ConsumerRecord> rest;
  auto second = b.take(10, rest);
  EXPECT_EQ(second.count, 1U);
  EXPECT_EQ(second.next_offset, 5);
  EXPECT_EQ(offsets(rest), (std::vector<int64_t>{4}));
  EXPECT_TRUE(b.empty());
}

TEST(BufferedRecordsTest, APartlyTakenFetchGivesTheRestNextTime) {
  BufferedRecords b;
  b.append(records(10, 5));
  std::vector<ConsumerRecord> out;
  EXPECT_EQ(b.take(2, out).next_offset, 12);
  out.clear();
  EXPECT_EQ(b.take(2, out).next_offset, 14);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{12, 13}));
  out.clear();
  EXPECT_EQ(b.take(2, out).count, 1U);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{14}));
  EXPECT_TRUE(b.empty());
}

TEST(BufferedRecordsTest, TakenRecordsAreAppendedAfterWhatTheCallerHolds) {
  BufferedRecords b;
  b.append(records(7, 2));
  std::vector<ConsumerRecord> out = records(0, 1);
  EXPECT_EQ(b.take(5, out).count, 2U);
  EXPECT_EQ(offsets(out), (std::vector<int64_t>{0, 7, 8}));
  EXPECT_EQ(out[1].value, std::string(10, 'v'));
}

TEST(BufferedRecordsTest, TheBytesTakenAreTheRecordsBufferedSizes) {
  BufferedRecords b;
  auto rs = records(0, 3, 100);
  size_t expected = 0;
  for (const auto& r : rs) expected += buffered_size(r);
  b.append(std::move(rs));
  std::vector<ConsumerRecord> out;
  EXPECT_EQ(b.take(3, out).bytes, expected);
}

TEST(BufferedRecordsTest, NothingToTakeLeavesTheOffsetUnknownAndEmptyFetchesAreIgnored) {
  BufferedRecords b;
  b.append({});
  EXPECT_TRUE(b.empty());
  std::vector<ConsumerRecord> out;
  auto none = b.take(5, out);
  EXPECT_EQ(none.count, 0U);
  EXPECT_EQ(none.next_offset, -1);
  b.append(records(0, 2));
  b.clear();
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.take(5, out).count, 0U);
}

}  // namespace
}  // namespace cairn::client
