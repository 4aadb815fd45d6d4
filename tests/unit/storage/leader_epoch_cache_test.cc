#include "storage/leader_epoch_cache.h"

#include <gtest/gtest.h>

namespace cairn::storage {
namespace {

LeaderEpochCache epochs(std::initializer_list<EpochEntry> entries) {
  LeaderEpochCache cache;
  for (const EpochEntry& e : entries) {
    auto changed = cache.assign(e.epoch, e.start_offset);
    EXPECT_TRUE(changed && *changed);
  }
  return cache;
}

TEST(LeaderEpochCacheTest, TheLatestEpochEndsAtTheLogEnd) {
  auto cache = epochs({{0, Offset(0)}, {2, Offset(100)}});
  EXPECT_EQ(cache.end_offset_for(2, Offset(150)), (EpochEnd{2, Offset(150)}));
}

TEST(LeaderEpochCacheTest, AnOlderEpochEndsWhereTheNextOneStarts) {
  auto cache = epochs({{0, Offset(0)}, {2, Offset(100)}, {5, Offset(180)}});
  EXPECT_EQ(cache.end_offset_for(0, Offset(200)), (EpochEnd{0, Offset(100)}));
  EXPECT_EQ(cache.end_offset_for(2, Offset(200)), (EpochEnd{2, Offset(180)}));
}

TEST(LeaderEpochCacheTest, AnEpochThisLogNeverHadAnswersWithTheLargestOlderOne) {
  auto cache = epochs({{0, Offset(0)}, {2, Offset(100)}, {5, Offset(180)}});
  EXPECT_EQ(cache.end_offset_for(3, Offset(200)), (EpochEnd{2, Offset(180)}));
  EXPECT_EQ(cache.end_offset_for(4, Offset(200)), (EpochEnd{2, Offset(180)}));
}

TEST(LeaderEpochCacheTest, AnEpochOlderThanTheFirstEndsWhereTheFirstStarts) {
  auto cache = epochs({{3, Offset(40)}, {4, Offset(90)}});
  EXPECT_EQ(cache.end_offset_for(1, Offset(100)), (EpochEnd{1, Offset(40)}));
}

TEST(LeaderEpochCacheTest, ANewerEpochThanAnyAndAnEmptyCacheHaveNoAnswer) {
  auto cache = epochs({{0, Offset(0)}});
  EXPECT_EQ(cache.end_offset_for(1, Offset(10)), EpochEnd{});
  EXPECT_EQ(LeaderEpochCache().end_offset_for(0, Offset(10)), EpochEnd{});
}

TEST(LeaderEpochCacheTest, AssigningTheLatestEpochAgainChangesNothing) {
  auto cache = epochs({{0, Offset(0)}, {1, Offset(10)}});
  auto again = cache.assign(1, Offset(20));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  EXPECT_EQ(cache.entries().back(), (EpochEntry{1, Offset(10)}));
}

TEST(LeaderEpochCacheTest, AnOlderEpochIsRefused) {
  auto cache = epochs({{0, Offset(0)}, {3, Offset(10)}});
  auto older = cache.assign(2, Offset(20));
  ASSERT_FALSE(older);
  EXPECT_TRUE(older.error().is_invalid_argument());
}

TEST(LeaderEpochCacheTest, ANewEpochAtTheSameStartReplacesAnEpochThatWroteNothing) {
  auto cache = epochs({{0, Offset(0)}, {1, Offset(10)}});
  ASSERT_TRUE(cache.assign(2, Offset(10)));
  ASSERT_EQ(cache.entries().size(), 2u);
  EXPECT_EQ(cache.entries().back(), (EpochEntry{2, Offset(10)}));
}

TEST(LeaderEpochCacheTest, TruncationDropsTheEpochsStartingAtOrPastTheCut) {
  auto cache = epochs({{0, Offset(0)}, {1, Offset(10)}, {2, Offset(20)}});
  EXPECT_TRUE(cache.truncate_from(Offset(10)));
  ASSERT_EQ(cache.entries().size(), 1u);
  EXPECT_EQ(cache.latest_epoch(), 0);
  EXPECT_FALSE(cache.truncate_from(Offset(10)));
}

TEST(LeaderEpochCacheTest, AnEpochStartingAtTheLogEndSurvivesDropPast) {
  auto cache = epochs({{0, Offset(0)}, {1, Offset(10)}, {2, Offset(30)}});
  EXPECT_TRUE(cache.drop_past(Offset(10)));
  EXPECT_EQ(cache.entries().back(), (EpochEntry{1, Offset(10)}));
}

TEST(LeaderEpochCacheTest, EncodedEntriesDecodeToTheSameCache) {
  auto cache = epochs({{0, Offset(0)}, {7, Offset(1'000'000'000'000)}});
  auto decoded = LeaderEpochCache::decode(cache.encode());
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->entries(), cache.entries());
}

TEST(LeaderEpochCacheTest, EveryFlippedBitAndEveryTruncationIsRefused) {
  auto bytes = epochs({{0, Offset(0)}, {1, Offset(10)}}).encode();
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      auto damaged = bytes;
      damaged[i] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      EXPECT_FALSE(LeaderEpochCache::decode(damaged)) << "byte " << i << " bit " << bit;
    }
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(LeaderEpochCache::decode(std::span(bytes).first(n))) << n << " bytes";
  }
}

}  // namespace
}  // namespace cairn::storage
