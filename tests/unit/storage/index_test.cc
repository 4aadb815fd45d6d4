#include <gtest/gtest.h>

#include "storage/format.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace cairn::storage {
namespace {

TEST(OffsetIndex, FloorFindsTheLastEntryAtOrBeforeTheTarget) {
  OffsetIndex index(Offset(100));
  index.append(Offset(100), FilePosition(0));
  index.append(Offset(110), FilePosition(4096));
  index.append(Offset(125), FilePosition(8200));
  EXPECT_FALSE(index.floor(Offset(99)));
  EXPECT_EQ(index.floor(Offset(100))->position, FilePosition(0));
  EXPECT_EQ(index.floor(Offset(109))->position, FilePosition(0));
  EXPECT_EQ(index.floor(Offset(110))->position, FilePosition(4096));
  EXPECT_EQ(index.floor(Offset(124))->offset, Offset(110));
  EXPECT_EQ(index.floor(Offset(1'000'000))->offset, Offset(125));
  EXPECT_EQ(index.floor_position(FilePosition(8199))->offset, Offset(110));
  EXPECT_EQ(index.floor_position(FilePosition(8200))->offset, Offset(125));
}

TEST(OffsetIndex, EncodesAsTheSpecSays) {
  OffsetIndex index(Offset(1000));
  index.append(Offset(1000), FilePosition(0));
  index.append(Offset(1258), FilePosition(0x01020304));
  auto bytes = index.encode();
  std::vector<uint8_t> want = {0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 4, 3, 2, 1};
  ASSERT_EQ(bytes.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(static_cast<uint8_t>(bytes[i]), want[i]) << i;
  auto back = OffsetIndex::decode(Offset(1000), bytes, 0x02000000, 300);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), 2u);
  EXPECT_EQ(back->entry(1).offset, Offset(1258));
}

TEST(OffsetIndex, DecodeRejectsBadFiles) {
  OffsetIndex index(Offset(0));
  index.append(Offset(0), FilePosition(0));
  index.append(Offset(10), FilePosition(5000));
  auto bytes = index.encode();
  EXPECT_FALSE(OffsetIndex::decode(Offset(0), std::span(bytes).first(12), 10000, 20));  // ragged
  EXPECT_FALSE(OffsetIndex::decode(Offset(0), bytes, 4000, 20));   // position past the log
  EXPECT_FALSE(OffsetIndex::decode(Offset(0), bytes, 10000, 10));  // offset past the segment
  auto swapped = bytes;
  std::swap_ranges(swapped.begin(), swapped.begin() + 8, swapped.begin() + 8);
  EXPECT_FALSE(OffsetIndex::decode(Offset(0), swapped, 10000, 20));  // out of order
}

Timestamp at(int64_t ms) { return timestamp_from_millis(ms); }

TEST(TimeIndex, ScanStartIsTheLastEntryBelowTheTimestamp) {
  TimeIndex index(Offset(0));
  index.maybe_append(at(100), Offset(10));
  index.maybe_append(at(100), Offset(20));
  index.maybe_append(at(250), Offset(30));
  index.maybe_append(at(240), Offset(40));  // a smaller running max cannot happen; ignored
  EXPECT_EQ(index.size(), 3u);
  EXPECT_FALSE(index.scan_start(at(100)));
  EXPECT_EQ(index.scan_start(at(101)), Offset(20));
  EXPECT_EQ(index.scan_start(at(250)), Offset(20));
  EXPECT_EQ(index.scan_start(at(251)), Offset(30));
}

TEST(TimeIndex, RoundTripsAndRejectsBadFiles) {
  TimeIndex index(Offset(50));
  index.maybe_append(at(-5), Offset(51));
  index.maybe_append(at(1'700'000'000'000), Offset(90));
  auto bytes = index.encode();
  ASSERT_EQ(bytes.size(), 2 * format::kTimeIndexEntrySize);
  EXPECT_EQ(static_cast<uint8_t>(bytes[8]), 1);  // relative offset 1
  auto back = TimeIndex::decode(Offset(50), bytes, 40);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->last()->offset, Offset(90));
  EXPECT_EQ(back->entry(0).timestamp, at(-5));
  EXPECT_EQ(back->entry(0).offset, Offset(51));
  EXPECT_EQ(back->entry(1).timestamp, at(1'700'000'000'000));
  EXPECT_FALSE(TimeIndex::decode(Offset(50), bytes, 39));
  EXPECT_FALSE(TimeIndex::decode(Offset(50), std::span(bytes).first(13), 40));
}

}  // namespace
}  // namespace cairn::storage
