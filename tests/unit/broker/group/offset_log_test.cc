// The records of `__consumer_offsets` as storage/FORMAT.md ("Committed offsets") describes
// them. Expected bytes are built here from the spec's table, not by the encoder under test.
#include "broker/group/offset_log.h"

#include <gtest/gtest.h>

#include "protocol/byte_io.h"
#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"

namespace cairn::broker {
namespace {

using Bytes = std::vector<std::byte>;

void put_u8(Bytes& out, uint8_t v) { out.push_back(std::byte{v}); }
template <typename T>
void put_le(Bytes& out, T v) {
  out.resize(out.size() + sizeof(T));
  protocol::store_le<T>(out.data() + out.size() - sizeof(T), v);
}
void put_string(Bytes& out, const std::string& s) {
  put_le<uint16_t>(out, static_cast<uint16_t>(s.size()));
  for (char c : s) out.push_back(static_cast<std::byte>(c));
}

// Key of a commit (type 1) or snapshot entry (type 4).
Bytes entry_key(uint8_t type, const std::string& group, const std::string& topic,
                int32_t partition) {
  Bytes out;
  put_u8(out, type);
  put_string(out, group);
  put_string(out, topic);
  put_le<int32_t>(out, partition);
  return out;
}
Bytes entry_value(int64_t offset, const std::string& metadata, int64_t time_ms) {
  Bytes out;
  put_le<int64_t>(out, offset);
  put_string(out, metadata);
  put_le<int64_t>(out, time_ms);
  return out;
}
// Key of a snapshot begin (type 3) or end (type 5) marker.
Bytes marker_key(uint8_t type, uint64_t id) {
  Bytes out;
  put_u8(out, type);
  put_le<uint64_t>(out, id);
  return out;
}
Bytes u64(uint64_t v) {
  Bytes out;
  put_le<uint64_t>(out, v);
  return out;
}

struct Rec {
  Bytes key;
  std::optional<Bytes> value;
};

Rec commit(const std::string& group, int32_t partition, int64_t offset) {
  return {entry_key(1, group, "t", partition), entry_value(offset, "", 1000)};
}
Rec entry(const std::string& group, int32_t partition, int64_t offset) {
  return {entry_key(4, group, "t", partition), entry_value(offset, "", 1000)};
}
Rec begin(uint64_t id) { return {marker_key(3, id), std::nullopt}; }
Rec end(uint64_t id, uint64_t entries) { return {marker_key(5, id), u64(entries)}; }

Bytes batch_of(const std::vector<Rec>& records) {
  protocol::RecordBatchBuilder b;
  for (const auto& r : records) {
    std::optional<protocol::Bytes> value;
    if (r.value) value = protocol::Bytes(*r.value);
    b.append(timestamp_from_millis(1000), protocol::Bytes(r.key), value);
  }
  return b.seal();
}

class OffsetReplayTest : public ::testing::Test {
 protected:
  void apply(const std::vector<Rec>& records) {
    Bytes bytes = batch_of(records);
    auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    Status s = replay.apply(*view);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
  // The offset of group `g`, partition `p` of topic "t"; -1 if none.
  int64_t offset(const std::string& g, int32_t p = 0) {
    auto it = replay.offsets().find(g);
    if (it == replay.offsets().end()) return -1;
    auto o = it->second.find({"t", p});
    return o == it->second.end() ? -1 : o->second.offset;
  }

  OffsetReplay replay;
};

TEST_F(OffsetReplayTest, ASnapshotReplacesEverythingBeforeItOnceItsEndArrives) {
  apply({commit("a", 0, 1), commit("b", 0, 2)});
  apply({begin(7), entry("a", 0, 5)});
  EXPECT_EQ(offset("a"), 1) << "applied before its end";
  EXPECT_EQ(offset("b"), 2);
  apply({end(7, 1)});
  EXPECT_EQ(offset("a"), 5);
  EXPECT_EQ(offset("b"), -1);
  apply({commit("b", 0, 3)});
  EXPECT_EQ(offset("b"), 3);
}

TEST_F(OffsetReplayTest, ASnapshotCutShortIsIgnored) {
  apply({commit("a", 0, 1)});
  apply({begin(7), entry("b", 0, 5)});
  apply({commit("a", 0, 2)});
  apply({end(7, 1)});
  EXPECT_EQ(offset("a"), 2);
  EXPECT_EQ(offset("b"), -1);
}

TEST_F(OffsetReplayTest, ASnapshotWhoseEndCountsAnEntryThatNeverArrivedIsIgnored) {
  apply({commit("a", 0, 1)});
  apply({begin(7), entry("b", 0, 5)});
  apply({end(7, 2)});
  EXPECT_EQ(offset("a"), 1);
  EXPECT_EQ(offset("b"), -1);
}

TEST_F(OffsetReplayTest, AnEndOfAnotherSnapshotIsIgnored) {
  apply({commit("a", 0, 1)});
  apply({begin(7), entry("b", 0, 5), end(8, 1)});
  EXPECT_EQ(offset("a"), 1);
  EXPECT_EQ(offset("b"), -1);
}

TEST_F(OffsetReplayTest, EntriesWithoutABeginAreIgnored) {
  apply({commit("a", 0, 1)});
  apply({entry("b", 0, 5), end(7, 1)});
  EXPECT_EQ(offset("a"), 1);
  EXPECT_EQ(offset("b"), -1);
}

TEST_F(OffsetReplayTest, TheFirstReleasesSingleBatchSnapshotIsStillRead) {
  apply({commit("a", 0, 1), commit("b", 0, 2)});
  Bytes marker;
  put_u8(marker, 2);
  apply({{marker, std::nullopt}, commit("a", 0, 5)});
  EXPECT_EQ(offset("a"), 5);
  EXPECT_EQ(offset("b"), -1);
}

TEST_F(OffsetReplayTest, ANullValueDeletesAnOffset) {
  apply({commit("a", 0, 1), commit("a", 1, 1)});
  apply({{entry_key(1, "a", "t", 0), std::nullopt}});
  EXPECT_EQ(offset("a", 0), -1);
  EXPECT_EQ(offset("a", 1), 1);
}

TEST_F(OffsetReplayTest, AnUnknownRecordTypeIsCorruption) {
  Bytes bytes = batch_of({{marker_key(9, 1), std::nullopt}});
  auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_EQ(replay.apply(*view).code(), Status::Code::kCorruption);
}

// A transactional commit (type 6) of `producer`: its value is the producer id, then as type 1.
Rec txn_commit(int64_t producer, const std::string& group, int32_t partition, int64_t offset) {
  Bytes value;
  put_le<int64_t>(value, producer);
  Bytes rest = entry_value(offset, "", 1000);
  value.insert(value.end(), rest.begin(), rest.end());
  return {entry_key(6, group, "t", partition), value};
}

class TxnOffsetReplayTest : public OffsetReplayTest {
 protected:
  void marker(int64_t producer, protocol::TxnResult result) {
    protocol::MarkerOptions m{producer, 0, result, 0, timestamp_from_millis(1000)};
    Bytes bytes = protocol::build_control_batch(m);
    auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    Status s = replay.apply(*view);
    ASSERT_TRUE(s.is_ok()) << s.to_string();
  }
};

TEST_F(TxnOffsetReplayTest, ATransactionalCommitAppliesOnlyOnceItsProducersCommitMarkerArrives) {
  apply({commit("a", 0, 1)});
  apply({txn_commit(42, "a", 0, 9)});
  EXPECT_EQ(offset("a"), 1) << "pending before the marker";
  EXPECT_EQ(replay.pending().at(42).at("a").at({"t", 0}).offset, 9);
  marker(42, protocol::TxnResult::kCommit);
  EXPECT_EQ(offset("a"), 9);
  EXPECT_TRUE(replay.pending().empty());
}

TEST_F(TxnOffsetReplayTest, AnAbortMarkerDropsItsProducersPendingCommits) {
  apply({commit("a", 0, 1)});
  apply({txn_commit(42, "a", 0, 9)});
  marker(42, protocol::TxnResult::kAbort);
  EXPECT_EQ(offset("a"), 1);
  EXPECT_TRUE(replay.pending().empty());
}

TEST_F(TxnOffsetReplayTest, AMarkerOfAnotherProducerLeavesPendingCommitsPending) {
  apply({txn_commit(42, "a", 0, 9), txn_commit(43, "b", 0, 4)});
  marker(43, protocol::TxnResult::kCommit);
  EXPECT_EQ(offset("a"), -1);
  EXPECT_EQ(offset("b"), 4);
  EXPECT_EQ(replay.pending().count(42), 1U);
  marker(42, protocol::TxnResult::kCommit);
  EXPECT_EQ(offset("a"), 9);
}

TEST(TxnOffsetEncoding, IsOneType6RecordPerOffsetWithTheProducerIdBeforeTheValue) {
  CommittedOffset c{7, "", 1000, {}};
  Bytes bytes = encode_txn_offset_batch(42, {{"a", "t", 3, c}}, timestamp_from_millis(1000));
  auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
  ASSERT_TRUE(view);
  protocol::RecordReader reader(*view);
  protocol::RecordView rec;
  ASSERT_TRUE(reader.next(rec));
  Rec want = txn_commit(42, "a", 3, 7);
  EXPECT_EQ(Bytes(rec.key->begin(), rec.key->end()), want.key);
  EXPECT_EQ(Bytes(rec.value->begin(), rec.value->end()), *want.value);
  EXPECT_FALSE(reader.next(rec));
}

TEST(OffsetSnapshotEncoding, IsABeginMarkerTheEntriesAndAnEndMarkerWithTheirCount) {
  std::vector<OffsetRecord> entries;
  for (int32_t p = 0; p < 40; ++p) {
    entries.push_back({"g", "t", p, CommittedOffset{p * 10, std::string(100, 'm'), 1000 + p}});
  }
  uint64_t id = 0x0102030405060708;
  auto batches = encode_offset_snapshot(id, entries, timestamp_from_millis(5), 1024);
  ASSERT_GT(batches.size(), 1u) << "1 KiB batches cannot hold 40 entries of 100 bytes";
  std::vector<Rec> records;
  for (const auto& b : batches) {
    EXPECT_LE(b.size(), 1024u + 200u);
    auto view = protocol::RecordBatchView::parse(b, protocol::Verify::kStored);
    ASSERT_TRUE(view) << view.error().to_string();
    protocol::RecordReader reader(*view);
    protocol::RecordView r;
    while (reader.next(r)) {
      ASSERT_TRUE(r.key);
      Rec rec{Bytes(r.key->begin(), r.key->end()), std::nullopt};
      if (r.value) rec.value = Bytes(r.value->begin(), r.value->end());
      records.push_back(std::move(rec));
    }
  }
  ASSERT_EQ(records.size(), 42u);
  EXPECT_EQ(records.front().key, marker_key(3, id));
  EXPECT_FALSE(records.front().value);
  for (int32_t p = 0; p < 40; ++p) {
    const auto& r = records[static_cast<size_t>(p) + 1];
    EXPECT_EQ(r.key, entry_key(4, "g", "t", p));
    EXPECT_EQ(r.value, entry_value(p * 10, std::string(100, 'm'), 1000 + p));
  }
  EXPECT_EQ(records.back().key, marker_key(5, id));
  EXPECT_EQ(records.back().value, u64(40));
}

TEST(OffsetSnapshotEncoding, OfNothingIsOneBatchWithBothMarkers) {
  auto batches = encode_offset_snapshot(3, {}, timestamp_from_millis(5), 1 << 20);
  ASSERT_EQ(batches.size(), 1u);
  auto view = protocol::RecordBatchView::parse(batches[0], protocol::Verify::kStored);
  ASSERT_TRUE(view);
  EXPECT_EQ(view->header().record_count, 2);
  OffsetReplay replay;
  ASSERT_TRUE(replay.apply(*view).is_ok());
  EXPECT_TRUE(replay.offsets().empty());
}

}  // namespace
}  // namespace cairn::broker
