// A partition reopened after a clean close trusts what the close recorded: it scans and syncs
// nothing. The first write after such an open moves the recovery point back, durably, before any
// byte of it reaches the log, so a crash after that write is recovered as strictly as any other.
#include <gtest/gtest.h>

#include "storage/format.h"
#include "storage/partition_log.h"
#include "storage/recovery.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

class CleanStartTest : public ::testing::Test {
 protected:
  // Appends `batches` batches of 3 records, in segments of `segment_bytes`, then closes cleanly.
  void write_and_close(int batches, uint64_t segment_bytes = 1 << 20) {
    auto log = fx.open_ok(config(segment_bytes));
    for (int i = 0; i < batches; ++i) {
      ASSERT_TRUE(fx.append(
          *log, make_batch({.records = 3, .value_bytes = 40, .seed = static_cast<uint64_t>(i)})));
    }
    fx.flush_and_close(*log);
  }
  // No segment rolls for age: the test batches carry old timestamps.
  static PartitionConfig config(uint64_t segment_bytes = 1 << 20,
                                DurabilityPolicy durability = DurabilityPolicy::always()) {
    return PartitionConfig{.segment_bytes = segment_bytes,
                           .segment_age = std::chrono::days(365 * 1000),
                           .durability = durability};
  }

  PartitionFixture fx{"fault"};
};

TEST_F(CleanStartTest, AReopenAfterACleanCloseScansAndSyncsNothing) {
  write_and_close(20, 1024);
  int syncs = fx.fault().syncs();
  auto log = fx.open_ok(config(1024));
  ASSERT_TRUE(log);
  EXPECT_GT(log->segment_count(), 2u);
  EXPECT_TRUE(log->recovery_report().clean_start);
  EXPECT_EQ(log->recovery_report().segments_scanned, 0u);
  EXPECT_EQ(fx.fault().syncs(), syncs);
  EXPECT_EQ(log->high_watermark(), Offset(60));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 60u);
}

TEST_F(CleanStartTest, ACloseWithNothingWrittenSinceACleanOpenSyncsNothingAndStaysClean) {
  write_and_close(3);
  {
    auto log = fx.open_ok(config());
    int syncs = fx.fault().syncs();
    fx.flush_and_close(*log);
    EXPECT_EQ(fx.fault().syncs(), syncs);
  }
  auto log = fx.open_ok(config());
  EXPECT_TRUE(log->recovery_report().clean_start);
  EXPECT_EQ(log->high_watermark(), Offset(9));
}

TEST_F(CleanStartTest, TheFirstWriteAfterACleanOpenMovesTheRecoveryPointBackFirst) {
  write_and_close(3);
  auto log = fx.open_ok(config());
  ASSERT_EQ(read_recovery_point(fx.io(), fx.dir())->offset, Offset(9));
  // The recovery point's write fails: nothing reaches the log, and the clean point stays.
  uint64_t size = log->size_bytes();
  fx.fault().fail_writes(
      EIO, 1, std::string(format::kRecoveryPointFile) + std::string(format::kTempSuffix));
  auto refused = fx.append(*log, make_batch({.records = 3}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(log->size_bytes(), size);
  EXPECT_EQ(fx.fault().contents(fx.segment_path(Offset(0), format::kLogSuffix))->size(), size);
  EXPECT_EQ(read_recovery_point(fx.io(), fx.dir())->offset, Offset(9));
  // The next append moves it back to the active segment's start, synced, then writes.
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
  fx.fault().crash();
  auto point = read_recovery_point(fx.io(), fx.dir());
  ASSERT_TRUE(point);
  EXPECT_EQ(point->offset, Offset(0));
  EXPECT_EQ(point->synced_bytes, size);
}

TEST_F(CleanStartTest, AcknowledgedAppendsAfterACleanOpenSurviveAPowerLoss) {
  write_and_close(10, 1024);
  {
    auto log = fx.open_ok(config(1024));
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
    fx.fault().crash();
  }
  auto log = fx.open_ok(config(1024));
  ASSERT_TRUE(log);
  EXPECT_FALSE(log->recovery_report().clean_start);
  EXPECT_GT(log->recovery_report().segments_scanned, 0u);
  EXPECT_EQ(log->high_watermark(), Offset(60));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 60u);
}

TEST_F(CleanStartTest, UnsyncedAppendsAfterACleanOpenAreCutAsATornTailAfterAPowerLoss) {
  write_and_close(5);
  uint64_t size = 0;
  {
    auto log = fx.open_ok(config(1 << 20, DurabilityPolicy::never()));
    size = log->size_bytes();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
    // The data stays in the page cache, a later part of it reaching the disk and not the rest.
    auto path = fx.segment_path(Offset(0), format::kLogSuffix);
    fx.fault().crash_tearing(path, size + 10, size + 20);
  }
  auto log = fx.open(config());
  ASSERT_TRUE(log) << log.error().to_string();
  EXPECT_EQ((*log)->high_watermark(), Offset(15));
  EXPECT_EQ((*log)->size_bytes(), size);
}

}  // namespace
}  // namespace cairn::storage
