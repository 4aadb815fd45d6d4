#include "storage/repair.h"

#include <gtest/gtest.h>

#include "storage/format.h"
#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

class RepairTest : public ::testing::Test {
 protected:
  std::vector<std::byte>& log_bytes(Offset base = Offset(0)) {
    return *fx.fault().contents(fx.segment_path(base, format::kLogSuffix));
  }

  PartitionFixture fx{"fault"};
};

TEST_F(RepairTest, AWholeLogIsLeftAlone) {
  {
    auto log = fx.open_ok({.segment_bytes = 1024});
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
  }
  auto before = log_bytes();
  auto report = repair_log(fx.io(), fx.dir(), /*apply=*/true);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_FALSE(report->damaged);
  EXPECT_EQ(report->segments_removed, 0u);
  EXPECT_EQ(log_bytes(), before);
  auto log = fx.open_ok({.segment_bytes = 1024});
  EXPECT_EQ(log->high_watermark(), Offset(20));
}

TEST_F(RepairTest, CorruptionInTheMiddleIsCutBackToTheValidPrefix) {
  std::vector<uint64_t> starts;
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 4; ++i) {
      starts.push_back(log->size_bytes());
      ASSERT_TRUE(fx.append(
          *log, make_batch({.records = 3, .value_bytes = 24, .seed = static_cast<uint64_t>(i)})));
    }
    starts.push_back(log->size_bytes());
  }
  fx.open_ok({}).reset();  // a restart records every byte as synced: damage now is not a torn write
  log_bytes()[starts[1] + 40] ^= std::byte{0x10};
  ASSERT_FALSE(fx.open({}));  // recovery refuses: valid batches follow the damage

  // A dry run reports the cut and changes nothing.
  auto corrupted = log_bytes();
  auto dry = repair_log(fx.io(), fx.dir(), /*apply=*/false);
  ASSERT_TRUE(dry) << dry.error().to_string();
  EXPECT_TRUE(dry->damaged);
  EXPECT_EQ(dry->position, starts[1]);
  EXPECT_EQ(dry->kept_until, Offset(3));
  EXPECT_EQ(dry->bytes_removed, log_bytes().size() - starts[1]);  // zeros preallocated too
  EXPECT_EQ(log_bytes(), corrupted);
  ASSERT_FALSE(fx.open({}));

  auto applied = repair_log(fx.io(), fx.dir(), /*apply=*/true);
  ASSERT_TRUE(applied) << applied.error().to_string();
  EXPECT_EQ(applied->kept_until, Offset(3));
  EXPECT_EQ(log_bytes().size(), starts[1]);

  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(3));
  auto records = fx.read_all(*log, Offset(0));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records.back().offset, Offset(2));
  // The partition takes appends again, continuing from the kept prefix.
  auto next = fx.append(*log, make_batch({.records = 2}));
  ASSERT_TRUE(next) << next.error().to_string();
  EXPECT_EQ(next->base_offset, Offset(3));
}

TEST_F(RepairTest, DamageInASealedSegmentRemovesTheSegmentsAfterIt) {
  size_t segments = 0;
  {
    auto log = fx.open_ok({.segment_bytes = 1024});
    for (int i = 0; i < 40; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
    segments = log->segment_count();
    ASSERT_GT(segments, 3u);
    ASSERT_TRUE(fx.flush(*log).is_ok());
  }
  auto& first = log_bytes();
  first.resize(first.size() - 5);
  ASSERT_FALSE(fx.open({.segment_bytes = 1024}));

  auto report = repair_log(fx.io(), fx.dir(), /*apply=*/true);
  ASSERT_TRUE(report) << report.error().to_string();
  EXPECT_TRUE(report->damaged);
  EXPECT_EQ(report->segments_removed, segments - 1);

  auto log = fx.open_ok({.segment_bytes = 1024});
  EXPECT_EQ(log->segment_count(), 1u);
  EXPECT_EQ(log->high_watermark(), report->kept_until);
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), report->kept_until.value());
  // A second repair finds nothing left to do.
  auto again = repair_log(fx.io(), fx.dir(), /*apply=*/true);
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->damaged);
}

// Whatever makes recovery refuse a log whose batches are all whole, repair must undo: here a
// recovery point past the end of the log.
TEST_F(RepairTest, ARecoveryPointRecoveryRefusesIsRemovedFromAWholeLog) {
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(write_recovery_point(fx.io(), fx.dir(), Offset(100), 0).is_ok());
  ASSERT_FALSE(fx.open({}));

  auto dry = repair_log(fx.io(), fx.dir(), /*apply=*/false);
  ASSERT_TRUE(dry) << dry.error().to_string();
  EXPECT_FALSE(dry->damaged);
  EXPECT_TRUE(dry->drops_recovery_point);
  ASSERT_FALSE(fx.open({}));

  auto applied = repair_log(fx.io(), fx.dir(), /*apply=*/true);
  ASSERT_TRUE(applied) << applied.error().to_string();
  EXPECT_TRUE(applied->drops_recovery_point);
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(6));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 6u);
}

}  // namespace
}  // namespace cairn::storage
