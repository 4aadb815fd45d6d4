// The aborted transactions index (storage/aborted_txn_index.h) against FORMAT.md's ".txnindex":
// golden bytes typed from the spec's table, the overlap a read_committed fetch asks for, and
// every rule of the file refused on decode.
#include "storage/aborted_txn_index.h"

#include <gtest/gtest.h>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {
namespace {

using Golden = std::vector<uint8_t>;

std::vector<std::byte> bytes_of(const Golden& g) {
  std::vector<std::byte> out;
  for (uint8_t b : g) out.push_back(std::byte{b});
  return out;
}

AbortedTxn txn(int64_t pid, int64_t first, int64_t last, int64_t lso) {
  return {pid, Offset(first), Offset(last), Offset(lso)};
}

// clang-format off
const Golden kTwoEntries = {
    7, 0, 0, 0, 0, 0, 0, 0,            // producer id 7
    90, 0, 0, 0, 0, 0, 0, 0,           // first offset 90 (an earlier segment)
    110, 0, 0, 0, 0, 0, 0, 0,          // last offset 110: the abort marker
    111, 0, 0, 0, 0, 0, 0, 0,          // last stable offset 111
    8, 0, 0, 0, 0, 0, 0, 0,            // producer id 8
    105, 0, 0, 0, 0, 0, 0, 0,          // first offset 105
    0x2c, 1, 0, 0, 0, 0, 0, 0,         // last offset 300
    0x2d, 1, 0, 0, 0, 0, 0, 0,         // last stable offset 301
};
// clang-format on

AbortedTxnIndex two_entries() {
  AbortedTxnIndex index(Offset(100));
  index.append(txn(7, 90, 110, 111));
  index.append(txn(8, 105, 300, 301));
  return index;
}

TEST(AbortedTxnIndex, EntriesAreLaidOutAsTheSpecTable) {
  EXPECT_EQ(format::kTxnIndexEntrySize, 32u);
  EXPECT_EQ(two_entries().encode(), bytes_of(kTwoEntries));
  auto bytes = bytes_of(kTwoEntries);
  auto back = AbortedTxnIndex::decode(Offset(100), bytes, Offset(400));
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->entries(), two_entries().entries());
}

TEST(AbortedTxnIndex, AnEmptyFileIsAnIndexWithoutEntries) {
  auto back = AbortedTxnIndex::decode(Offset(100), {}, Offset(400));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->size(), 0u);
}

TEST(AbortedTxnIndex, AFetchGetsTheEntriesWhoseRangeOverlapsIt) {
  AbortedTxnIndex index = two_entries();  // [90, 110] and [105, 300]
  EXPECT_EQ(index.overlapping(Offset(0), Offset(90)).size(), 0u) << "ends before both";
  EXPECT_EQ(index.overlapping(Offset(0), Offset(91)).size(), 1u);
  EXPECT_EQ(index.overlapping(Offset(110), Offset(111)).size(), 2u) << "the first one's marker";
  auto after = index.overlapping(Offset(111), Offset(1000));
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].producer_id, 8);
  EXPECT_EQ(index.overlapping(Offset(301), Offset(1000)).size(), 0u) << "starts after both";
}

TEST(AbortedTxnIndex, TruncationDropsTheEntriesWhoseMarkerIsCut) {
  AbortedTxnIndex index = two_entries();
  index.truncate_to(Offset(301));
  EXPECT_EQ(index.size(), 2u);
  index.truncate_to(Offset(300));
  ASSERT_EQ(index.size(), 1u);
  EXPECT_EQ(index.entries()[0].producer_id, 7);
}

TEST(AbortedTxnIndex, ATornEntryIsCorruption) {
  auto bytes = bytes_of(kTwoEntries);
  for (size_t n : {1, 31, 33, 63}) {
    auto r = AbortedTxnIndex::decode(Offset(100), std::span(bytes).first(n), Offset(400));
    ASSERT_FALSE(r) << n;
    EXPECT_EQ(r.error().code(), Status::Code::kCorruption);
  }
}

TEST(AbortedTxnIndex, AnEntryBreakingARuleIsCorruption) {
  auto refused = [](AbortedTxn e, const char* what) {
    std::vector<std::byte> bytes(format::kTxnIndexEntrySize);
    protocol::store_le<int64_t>(bytes.data() + format::kTxnIndexProducerIdAt, e.producer_id);
    protocol::store_le<int64_t>(bytes.data() + format::kTxnIndexFirstOffsetAt,
                                e.first_offset.value());
    protocol::store_le<int64_t>(bytes.data() + format::kTxnIndexLastOffsetAt,
                                e.last_offset.value());
    protocol::store_le<int64_t>(bytes.data() + format::kTxnIndexLastStableOffsetAt,
                                e.last_stable_offset.value());
    auto r = AbortedTxnIndex::decode(Offset(100), bytes, Offset(400));
    EXPECT_FALSE(r) << what;
  };
  refused(txn(-1, 90, 110, 111), "negative producer id");
  refused(txn(7, -1, 110, 111), "negative first offset");
  refused(txn(7, 90, 110, -1), "negative last stable offset");
  refused(txn(7, 120, 110, 111), "first offset after the marker");
  refused(txn(7, 90, 99, 111), "marker before the segment");
  refused(txn(7, 90, 400, 401), "marker at the segment's next offset");
}

TEST(AbortedTxnIndex, MarkersOutOfOrderAreCorruption) {
  auto bytes = bytes_of(kTwoEntries);
  std::vector<std::byte> swapped(bytes.begin() + 32, bytes.end());
  swapped.insert(swapped.end(), bytes.begin(), bytes.begin() + 32);
  EXPECT_FALSE(AbortedTxnIndex::decode(Offset(100), swapped, Offset(400)));
  std::vector<std::byte> twice(bytes.begin(), bytes.begin() + 32);
  twice.insert(twice.end(), bytes.begin(), bytes.begin() + 32);
  EXPECT_FALSE(AbortedTxnIndex::decode(Offset(100), twice, Offset(400)));
}

}  // namespace
}  // namespace cairn::storage
