#include "storage/recovery.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "storage/format.h"
#include "storage/partition_log.h"
#include "protocol/record_batch_builder.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;
using testing::PartitionFixture;

// Recovery tests run on the in-memory backend, where a file can be cut or corrupted thousands
// of times cheaply; RecoveryOnRealFiles below repeats the key cases on disk.
class RecoveryTest : public ::testing::Test {
 protected:
  // Appends `batches` batches of 3 records and drops the log without a clean close, and without
  // the zeros preallocated after them (the tests of a zero tail add their own). Returns the byte
  // position at which each batch starts, plus the end.
  std::vector<uint64_t> write_log(int batches, PartitionConfig config = {}) {
    auto log = fx.open_ok(std::move(config));
    std::vector<uint64_t> starts;
    for (int i = 0; i < batches; ++i) {
      starts.push_back(log->size_bytes());
      auto r = fx.append(
          *log, make_batch({.records = 3, .value_bytes = 24, .seed = static_cast<uint64_t>(i)}));
      EXPECT_TRUE(r);
    }
    starts.push_back(log->size_bytes());
    log.reset();
    log_bytes().resize(starts.back());
    return starts;
  }

  std::vector<std::byte>& log_bytes(Offset base = Offset(0)) {
    return *fx.fault().contents(fx.segment_path(base, format::kLogSuffix));
  }

  PartitionFixture fx{"fault"};
};

TEST_F(RecoveryTest, ALastBatchCutAtAnyByteLeavesTheBatchesBeforeIt) {
  auto starts = write_log(5);
  const auto full = log_bytes();
  uint64_t last = starts[4];
  for (uint64_t cut = last; cut < full.size(); ++cut) {
    log_bytes().assign(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    auto log = fx.open_ok({});
    ASSERT_TRUE(log);
    EXPECT_EQ(log->high_watermark(), Offset(12)) << "cut at " << cut;
    EXPECT_EQ(log_bytes().size(), last) << "cut at " << cut;
    EXPECT_EQ(log->recovery_report().bytes_truncated, cut - last);
    EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 12u);
  }
}

TEST_F(RecoveryTest, ACutAtEveryByteRecoversTheLongestValidPrefix) {
  auto starts = write_log(60);
  const auto full = log_bytes();
  ASSERT_GT(full.size(), 8000u);
  size_t batch = 0;
  for (uint64_t cut = 0; cut <= full.size(); ++cut) {
    while (batch + 1 < starts.size() && starts[batch + 1] <= cut) ++batch;
    log_bytes().assign(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(cut));
    auto log = fx.open(PartitionConfig{});
    ASSERT_TRUE(log) << "cut at " << cut << ": " << log.error().to_string();
    ASSERT_EQ((*log)->high_watermark(), Offset(static_cast<int64_t>(3 * batch))) << cut;
    // Cut back to the batches, or kept where only zeros follow them (a torn write of zeros is
    // preallocated space like any other: the next append overwrites it).
    const auto& left = log_bytes();
    ASSERT_GE(left.size(), starts[batch]) << cut;
    ASSERT_TRUE(std::all_of(left.begin() + static_cast<std::ptrdiff_t>(starts[batch]), left.end(),
                            [](std::byte b) { return b == std::byte{0}; }))
        << cut;
  }
}

TEST_F(RecoveryTest, AFlippedBitInTheLastBatchIsCutOff) {
  auto starts = write_log(4);
  const auto full = log_bytes();
  for (uint64_t byte = starts[3]; byte < full.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      log_bytes() = full;
      log_bytes()[byte] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      auto log = fx.open(PartitionConfig{});
      ASSERT_TRUE(log) << byte << "/" << bit << ": " << log.error().to_string();
      ASSERT_EQ((*log)->high_watermark(), Offset(9)) << byte << "/" << bit;
      ASSERT_EQ(log_bytes().size(), starts[3]);
    }
  }
}

TEST_F(RecoveryTest, AFlippedBitWithValidBatchesAfterItIsReportedNotTruncated) {
  auto starts = write_log(4);
  // A restart syncs the active segment and records it as synced: damage there is bit rot, not
  // a torn write (damage past the synced position is: see the hole test below).
  fx.open_ok({}).reset();
  const auto full = log_bytes();
  for (uint64_t byte = starts[1]; byte < starts[2]; ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      log_bytes() = full;
      log_bytes()[byte] ^= std::byte{static_cast<uint8_t>(1u << bit)};
      auto corrupted = log_bytes();
      auto log = fx.open(PartitionConfig{});
      ASSERT_FALSE(log) << "flip of bit " << bit << " of byte " << byte << " was not reported";
      EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
      EXPECT_NE(log.error().message().find("cairn log dump"), std::string::npos);
      ASSERT_EQ(log_bytes(), corrupted) << "the log was modified";
    }
  }
}

TEST_F(RecoveryTest, CorruptionInASealedSegmentWithLaterSegmentsIsReported) {
  {
    auto log = fx.open_ok({.segment_bytes = 1024});
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
    ASSERT_GT(log->segment_count(), 3u);
    ASSERT_TRUE(fx.flush(*log).is_ok());
  }
  // The last batch of the first segment is torn: with later segments present this is not a
  // torn tail. Remove the first segment's index so recovery must scan it.
  auto& first = log_bytes();
  first.resize(first.size() - 5);
  ASSERT_TRUE(fx.io().remove_file(fx.segment_path(Offset(0), format::kOffsetIndexSuffix)).is_ok());
  auto log = fx.open(PartitionConfig{.segment_bytes = 1024});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
}

TEST_F(RecoveryTest, ACleanlyClosedLogIsNeverCutBack) {
  std::vector<uint64_t> starts;
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 3; ++i) {
      starts.push_back(log->size_bytes());
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
    }
    fx.flush_and_close(*log);
  }
  // Every batch was synced and the recovery point covers them: a damaged last batch is
  // corruption, not a torn write to cut off.
  log_bytes()[starts[2] + 3] ^= std::byte{0x01};  // its base offset, under the header checksum
  auto damaged = log_bytes();
  auto log = fx.open(PartitionConfig{});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
  EXPECT_EQ(log_bytes(), damaged);
}

// A recovery point inside the last segment, with whole batches after it: a clean close that
// missed an append still in flight. The point is behind, the log is not damaged.
TEST_F(RecoveryTest, ValidDataPastTheRecoveryPointInTheLastSegmentIsRescanned) {
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(write_recovery_point(fx.io(), fx.dir(), Offset(6), 0).is_ok());
  auto log = fx.open(PartitionConfig{});
  ASSERT_TRUE(log) << log.error().to_string();
  EXPECT_EQ((*log)->high_watermark(), Offset(15));
  EXPECT_EQ((*log)->recovery_report().bytes_truncated, 0u);
  EXPECT_EQ(fx.read_all(**log, Offset(0)).size(), 15u);
}

TEST_F(RecoveryTest, ATornTailPastTheRecoveryPointInTheLastSegmentIsCut) {
  uint64_t end = 0;
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
    end = log->size_bytes();
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(write_recovery_point(fx.io(), fx.dir(), Offset(6), 0).is_ok());
  auto torn = make_batch({.records = 4, .value_bytes = 100});
  log_bytes().insert(log_bytes().end(), torn.begin(), torn.begin() + 50);
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(15));
  EXPECT_EQ(log_bytes().size(), end);
}

TEST_F(RecoveryTest, DamageBelowARecoveryPointInsideTheLastSegmentIsStillCorruption) {
  std::vector<uint64_t> starts;
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 5; ++i) {
      starts.push_back(log->size_bytes());
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
    }
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(write_recovery_point(fx.io(), fx.dir(), Offset(12), 0).is_ok());
  log_bytes()[starts[1] + 3] ^= std::byte{0x01};  // a base offset, under the header checksum
  auto log = fx.open(PartitionConfig{});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
}

// Power loss during a group write that was never acknowledged: the disk kept a later batch of
// the group but not an earlier page. Nothing past the last sync was acknowledged, so this is a
// torn tail, not corruption.
TEST_F(RecoveryTest, AHoleInAnUnsyncedGroupWithAWholeBatchAfterItIsCutAsATornTail) {
  auto log = fx.open_ok({});
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
  auto batches = std::make_shared<std::vector<std::vector<std::byte>>>();
  for (int i = 0; i < 4; ++i) {
    batches->push_back(make_batch({.records = 3, .value_bytes = 200, .seed = uint64_t(10 + i)}));
  }
  int acked = 0;
  fx.fault().hold_syncs(true);
  for (auto& b : *batches) {
    log->append(b, [&acked, batches](const Result<AppendResult>& r) { acked += r ? 1 : 0; });
  }
  // The first batch went alone and is synced and acknowledged; the other three form the next
  // group, written but not synced when the power goes.
  fx.fault().release_deferred();
  ASSERT_TRUE(
      testing::run_until(fx.ctx(), [&] { return acked == 1 && fx.fault().deferred() == 1; }));
  uint64_t group_start = log->size_bytes();
  ASSERT_GT(log_bytes().size(), group_start + 600);
  fx.fault().crash_tearing(fx.segment_path(Offset(0), format::kLogSuffix), group_start,
                           group_start + 120);
  log.reset();

  auto reopened = fx.open(PartitionConfig{});
  ASSERT_TRUE(reopened) << reopened.error().to_string();
  EXPECT_EQ((*reopened)->high_watermark(), Offset(9));
  EXPECT_EQ(log_bytes().size(), group_start);
  EXPECT_EQ(fx.read_all(**reopened, Offset(0)).size(), 9u);
}

// A torn last batch whose record holds a whole stored batch (a mirror storing fetched batches):
// the search for valid data after the tear must not look inside the torn batch itself.
TEST_F(RecoveryTest, ATornBatchWhoseRecordHoldsAStoredBatchIsATornTail) {
  auto starts = write_log(3);
  std::vector<std::byte> inner = make_batch({.records = 2, .value_bytes = 40});
  protocol::assign_offsets(inner, Offset(1000), 0);
  uint64_t end = 0;
  {
    // (Old batch timestamps would otherwise make the reopened segment roll by age.)
    auto log = fx.open_ok({.segment_age = std::chrono::hours(24 * 365 * 100)});
    protocol::RecordBatchBuilder outer;
    outer.append(timestamp_from_millis(1'700'000'000'000), std::nullopt, inner);
    auto r = fx.append(*log, outer.seal());
    ASSERT_TRUE(r);
    end = log->size_bytes();
  }
  // The power goes while the last batch is being written: its header and the embedded batch
  // made it to the disk, its last byte did not (nor the zeros preallocated after it).
  log_bytes().resize(end);
  auto full = log_bytes();
  uint64_t torn_at = full.size() - 1;
  auto embedded = std::search(full.begin(), full.end(), inner.begin(), inner.end());
  ASSERT_NE(embedded, full.end());
  ASSERT_LE(static_cast<uint64_t>(embedded - full.begin()) + inner.size(), torn_at);
  log_bytes().resize(torn_at);
  auto log = fx.open(PartitionConfig{});
  ASSERT_TRUE(log) << log.error().to_string();
  EXPECT_EQ((*log)->high_watermark(), Offset(9));
  EXPECT_EQ(log_bytes().size(), starts[3]);
}

// Bytes a restart found synced are not a torn write: damage there, with valid batches after it,
// is still reported rather than cut.
TEST_F(RecoveryTest, DamageBeforeTheSyncedPositionWithValidDataAfterItIsStillCorruption) {
  auto starts = write_log(4);
  fx.open_ok({}).reset();  // a restart: it syncs the active segment and records that
  log_bytes()[starts[1] + 30] ^= std::byte{0x08};
  auto log = fx.open(PartitionConfig{});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
}

TEST_F(RecoveryTest, TheSyncedPositionIsRecordedAsTheActiveSegmentGrows) {
  std::vector<uint64_t> starts;
  auto log = fx.open_ok({.synced_hint_bytes = 1000});
  for (int i = 0; i < 20; ++i) {
    starts.push_back(log->size_bytes());
    ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 200, .seed = uint64_t(i)})));
  }
  ASSERT_TRUE(fx.flush(*log).is_ok());
  auto point = read_recovery_point(fx.io(), fx.dir());
  ASSERT_TRUE(point && point->synced_bytes);
  EXPECT_EQ(point->offset, Offset(0));
  EXPECT_GT(*point->synced_bytes + 1000, log->size_bytes());
  // So damage well before the end, with valid batches after it, is corruption, not a torn write.
  log.reset();
  log_bytes()[starts[3] + 40] ^= std::byte{0x04};
  auto reopened = fx.open(PartitionConfig{});
  ASSERT_FALSE(reopened);
  EXPECT_EQ(reopened.error().code(), Status::Code::kCorruption);
}

TEST_F(RecoveryTest, AZeroTailIsPreallocatedSpaceTheNextAppendsUse) {
  auto starts = write_log(3);
  log_bytes().resize(starts[3] + 4096, std::byte{0});
  {
    auto log = fx.open_ok({});
    EXPECT_EQ(log->high_watermark(), Offset(9));
    EXPECT_EQ(log->recovery_report().bytes_truncated, 0u);
    EXPECT_EQ(log_bytes().size(), starts[3] + 4096);  // kept, not cut
    ASSERT_TRUE(fx.append(*log, make_batch({.records = 3, .value_bytes = 24, .seed = 7})));
    EXPECT_EQ(log->size_bytes(), starts[3] + (starts[3] - starts[2]));
    EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 12u);
  }
  // The crash (no close): the batch written into the zeros is found again, the zeros after it
  // are still preallocated.
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(12));
  EXPECT_EQ(log->recovery_report().bytes_truncated, 0u);
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 12u);
}

TEST_F(RecoveryTest, ARolledSegmentKeepsNoZerosAndACrashBeforeTheCutIsSyncedLosesNothing) {
  uint64_t first_segment = 0;
  Offset end;
  {
    auto log = fx.open_ok({.segment_bytes = 4096});
    while (log->segment_count() < 2) {
      first_segment = log->size_bytes();
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 3, .value_bytes = 24})));
    }
    EXPECT_EQ(log_bytes().size(), first_segment);  // cut at the roll
    end = log->high_watermark();
  }
  // A crash before the cut reached the disk (the seal's sync, which comes before the recovery
  // point moves past the segment): the rolled segment still has its zeros.
  log_bytes().resize(4096, std::byte{0});
  ASSERT_TRUE(fx.io().remove_file(fx.dir() / format::kRecoveryPointFile).is_ok());
  auto log = fx.open_ok({.segment_bytes = 4096});
  EXPECT_EQ(log->high_watermark(), end);
  EXPECT_EQ(log_bytes().size(), first_segment);
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), static_cast<size_t>(end.value()));
}

TEST_F(RecoveryTest, ACleanCloseCutsThePreallocatedZeros) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 3, .value_bytes = 24})));
  uint64_t size = log->size_bytes();
  EXPECT_GT(log_bytes().size(), size);  // `always` preallocates after a small write
  fx.flush_and_close(*log);
  EXPECT_EQ(log_bytes().size(), size);
}

TEST_F(RecoveryTest, GarbageAfterTheLastBatchIsCutOff) {
  auto starts = write_log(3);
  for (int i = 0; i < 1000; ++i) log_bytes().push_back(std::byte{static_cast<uint8_t>(i * 37)});
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(9));
  EXPECT_EQ(log_bytes().size(), starts[3]);
}

class IndexRecoveryTest : public RecoveryTest {
 protected:
  // Several sealed segments after a clean close, and the reads expected from them.
  void SetUp() override {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(fx.append(
          *log,
          make_batch({.records = 1 + i % 3, .value_bytes = 40, .seed = static_cast<uint64_t>(i)})));
    }
    ASSERT_GT(log->segment_count(), 4u);
    expected = fx.read_all(*log, Offset(0));
    fx.flush_and_close(*log);
    original_index = *fx.fault().contents(fx.segment_path(Offset(0), format::kOffsetIndexSuffix));
    original_times = *fx.fault().contents(fx.segment_path(Offset(0), format::kTimeIndexSuffix));
  }

  void expect_rebuilt_and_readable() {
    auto log = fx.open_ok(config);
    ASSERT_TRUE(log);
    EXPECT_EQ(log->recovery_report().indexes_rebuilt, 1u);
    for (const auto& want : expected) {
      auto got = fx.read_all(*log, want.offset, 1);
      ASSERT_FALSE(got.empty());
      EXPECT_EQ(got.front().value, want.value);
      break;
    }
    auto all = fx.read_all(*log, Offset(0), 300);
    ASSERT_EQ(all.size(), expected.size());
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i].value, expected[i].value);
    fx.flush_and_close(*log);
    // The rebuilt index files are the same as those built while appending.
    EXPECT_EQ(*fx.fault().contents(fx.segment_path(Offset(0), format::kOffsetIndexSuffix)),
              original_index);
    EXPECT_EQ(*fx.fault().contents(fx.segment_path(Offset(0), format::kTimeIndexSuffix)),
              original_times);
  }

  std::vector<std::byte>& index_file() {
    return *fx.fault().contents(fx.segment_path(Offset(0), format::kOffsetIndexSuffix));
  }

  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};
  std::vector<testing::ReadRecord> expected;
  std::vector<std::byte> original_index;
  std::vector<std::byte> original_times;
};

TEST_F(IndexRecoveryTest, AMissingIndexIsRebuilt) {
  ASSERT_TRUE(fx.io().remove_file(fx.segment_path(Offset(0), format::kOffsetIndexSuffix)).is_ok());
  expect_rebuilt_and_readable();
}

TEST_F(IndexRecoveryTest, ATruncatedIndexIsRebuilt) {
  ASSERT_GT(index_file().size(), 16u);
  index_file().resize(index_file().size() - 8);
  expect_rebuilt_and_readable();
}

TEST_F(IndexRecoveryTest, AnIndexCutMidEntryIsRebuilt) {
  index_file().resize(index_file().size() - 3);
  expect_rebuilt_and_readable();
}

TEST_F(IndexRecoveryTest, AScrambledIndexIsRebuilt) {
  for (size_t i = 0; i < index_file().size(); ++i) {
    index_file()[i] = std::byte{static_cast<uint8_t>(i * 101 + 7)};
  }
  expect_rebuilt_and_readable();
}

TEST_F(IndexRecoveryTest, AMissingTimeIndexIsRebuilt) {
  ASSERT_TRUE(fx.io().remove_file(fx.segment_path(Offset(0), format::kTimeIndexSuffix)).is_ok());
  expect_rebuilt_and_readable();
}

TEST_F(IndexRecoveryTest, ADamagedRecoveryPointMeansAFullScan) {
  auto* point = fx.fault().contents(fx.dir() / format::kRecoveryPointFile);
  ASSERT_NE(point, nullptr);
  (*point)[9] ^= std::byte{4};
  auto log = fx.open_ok(config);
  EXPECT_EQ(log->recovery_report().segments_scanned, log->segment_count());
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), expected.size());
}

// The same recovery rules on real files, through the io_uring and posix backends.
class RecoveryOnRealFiles : public ::testing::TestWithParam<std::string> {};

TEST_P(RecoveryOnRealFiles, TornTailIsCutAndMidLogCorruptionIsReported) {
  PartitionFixture fx(GetParam());
  std::vector<uint64_t> starts;
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 4; ++i) {
      starts.push_back(log->size_bytes());
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 2, .value_bytes = 30})));
    }
    starts.push_back(log->size_bytes());
  }
  auto path = fx.segment_path(Offset(0), format::kLogSuffix);
  std::filesystem::resize_file(path, starts[4] - 7);
  {
    auto log = fx.open_ok({});
    EXPECT_EQ(log->high_watermark(), Offset(6));
    EXPECT_EQ(std::filesystem::file_size(path), starts[3]);
  }
  // Flip a byte inside the second batch.
  {
    std::FILE* f = std::fopen(path.c_str(), "r+b");
    ASSERT_NE(f, nullptr);
    std::fseek(f, static_cast<long>(starts[1] + 40), SEEK_SET);
    int c = std::fgetc(f);
    std::fseek(f, static_cast<long>(starts[1] + 40), SEEK_SET);
    std::fputc(c ^ 0x10, f);
    std::fclose(f);
  }
  auto log = fx.open(PartitionConfig{});
  ASSERT_FALSE(log);
  EXPECT_EQ(log.error().code(), Status::Code::kCorruption);
  EXPECT_EQ(std::filesystem::file_size(path), starts[3]);
}

INSTANTIATE_TEST_SUITE_P(Backends, RecoveryOnRealFiles, ::testing::Values("uring", "posix"),
                         testing::backend_name);

}  // namespace
}  // namespace cairn::storage
