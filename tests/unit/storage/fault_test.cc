// Faults injected at the I/O backend: a full disk, write and sync errors, and power loss.
#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <random>

#include "storage/format.h"
#include "storage/partition_log.h"
#include "storage/recovery.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;
using testing::PartitionFixture;

class FaultTest : public ::testing::Test {
 protected:
  uint64_t log_size(Offset base = Offset(0)) {
    return fx.fault().contents(fx.segment_path(base, format::kLogSuffix))->size();
  }
  PartitionFixture fx{"fault"};
};

TEST_F(FaultTest, AFullDiskFailsTheAppendAndLeavesNoPartialBatch) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
  uint64_t before = log->size_bytes();
  EXPECT_GT(log_size(), before);  // zeros preallocated after it
  fx.fault().set_capacity(fx.fault().used_bytes() + 100);
  // Longer than the zeros: it needs more space than there is.
  auto r = fx.append(*log, make_batch({.records = 5, .value_bytes = 8000}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kNoSpace);
  EXPECT_EQ(log->high_watermark(), Offset(2));
  EXPECT_EQ(log_size(), before);             // cut back to the batches (the zeros go too)
  EXPECT_TRUE(log->write_status().is_ok());  // a full disk does not fence the partition

  fx.fault().set_capacity(std::nullopt);  // space freed
  auto ok = fx.append(*log, make_batch({.records = 5, .value_bytes = 200}));
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->base_offset, Offset(2));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 7u);
}

TEST_F(FaultTest, ABatchThatFitsOnTheDiskWithoutItsZerosIsStoredWithoutThem) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
  // Room for the batch past the zeros, not for the zeros it would preallocate after it.
  auto batch = make_batch({.records = 5, .value_bytes = 4000});
  fx.fault().set_capacity(fx.fault().used_bytes() + batch.size());
  auto r = fx.append(*log, batch);
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->base_offset, Offset(2));
  EXPECT_EQ(log_size(), log->size_bytes());
  EXPECT_TRUE(log->write_status().is_ok());
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 7u);
}

TEST_F(FaultTest, AFullDiskDuringARollFailsTheAppendOnly) {
  auto log = fx.open_ok({.segment_bytes = 1024});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 250})));
  fx.fault().set_capacity(fx.fault().used_bytes());
  std::vector<std::vector<std::byte>> batches(6);
  for (auto& b : batches) b = make_batch({.value_bytes = 250});
  // Those that fit in the active segment's preallocated zeros are stored; the roll fails.
  size_t stored = 0;
  size_t failed = 0;
  for (auto& r : fx.append_all(*log, std::move(batches))) {
    if (r) {
      EXPECT_EQ(failed, 0u) << "stored after a failure";
      ++stored;
      continue;
    }
    ++failed;
    EXPECT_EQ(r.error().code(), Status::Code::kNoSpace);
  }
  EXPECT_GT(failed, 0u);
  EXPECT_TRUE(log->write_status().is_ok());
  fx.fault().set_capacity(std::nullopt);
  ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 250})));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 6u + stored);
}

TEST_F(FaultTest, AWriteErrorFailsTheGroupAndTheNextAppendWorks) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({})));
  fx.fault().fail_writes(EIO);
  auto r = fx.append(*log, make_batch({}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kIoError);
  auto ok = fx.append(*log, make_batch({}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->base_offset, Offset(1));
}

TEST_F(FaultTest, ASealWhoseIndexWriteFailedIsIndexedByTheNextSealAndTheRecoveryPointMovesOn) {
  PartitionConfig config{.segment_bytes = 1024};
  auto log = fx.open_ok(config);
  auto append_until_segments = [&](size_t segments) {
    while (log->segment_count() < segments) {
      ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 250})));
    }
    ASSERT_TRUE(fx.flush(*log).is_ok());  // the rolled segment is sealed
  };
  append_until_segments(2);
  // A moment without space: the next seal cannot write its offset index.
  fx.fault().fail_writes(ENOSPC, 1, std::string(format::kOffsetIndexSuffix));
  append_until_segments(3);
  auto stuck = read_recovery_point(fx.io(), fx.dir());
  ASSERT_TRUE(stuck);
  append_until_segments(4);
  Offset active_base = list_offset_files(fx.io(), fx.dir(), format::kLogSuffix)->back();
  auto point = read_recovery_point(fx.io(), fx.dir());
  ASSERT_TRUE(point);
  EXPECT_GT(point->offset, stuck->offset);
  EXPECT_EQ(point->offset, active_base);
  log.reset();  // no clean close: recovery relies on the recovery point
  auto reopened = fx.open_ok(config);
  EXPECT_EQ(reopened->recovery_report().segments_scanned, 1u);
  EXPECT_EQ(reopened->recovery_report().indexes_rebuilt, 0u);
}

// After a clean stop on a disk that has since filled up, a restart needs no free space to serve
// what is stored; appends fail with kNoSpace until space is freed, then work without a restart.
TEST_F(FaultTest, APartitionOpenedOnAFullDiskServesReadsAndTakesAppendsOnceSpaceIsFreed) {
  {
    auto log = fx.open_ok({});
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
    fx.flush_and_close(*log);
  }
  fx.fault().set_capacity(fx.fault().used_bytes());
  auto log = fx.open_ok({});
  ASSERT_TRUE(log);
  EXPECT_EQ(log->high_watermark(), Offset(10));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 10u);
  auto full = fx.append(*log, make_batch({}));
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code(), Status::Code::kNoSpace);

  fx.fault().set_capacity(std::nullopt);
  auto ok = fx.append(*log, make_batch({}));
  ASSERT_TRUE(ok) << ok.error().to_string();
  EXPECT_EQ(ok->base_offset, Offset(10));
  fx.flush_and_close(*log);
  log.reset();
  EXPECT_EQ(fx.open_ok({})->high_watermark(), Offset(11));
}

TEST_F(FaultTest, RecoveryThatCannotWriteRebuiltIndexesOnAFullDiskStillOpensThePartition) {
  PartitionConfig config{.segment_bytes = 1024};
  {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 200})));
    ASSERT_GT(log->segment_count(), 3u);
    fx.flush_and_close(*log);
  }
  // Every index file lost and no recovery point: recovery scans and re-indexes every segment.
  ASSERT_TRUE(fx.io().remove_file(fx.dir() / format::kRecoveryPointFile).is_ok());
  auto names = fx.io().list_directory(fx.dir());
  ASSERT_TRUE(names);
  for (const auto& name : *names) {
    if (name.ends_with(format::kOffsetIndexSuffix) || name.ends_with(format::kTimeIndexSuffix)) {
      ASSERT_TRUE(fx.io().remove_file(fx.dir() / name).is_ok());
    }
  }
  fx.fault().set_capacity(fx.fault().used_bytes());
  auto log = fx.open_ok(config);
  ASSERT_TRUE(log);
  EXPECT_EQ(log->high_watermark(), Offset(20));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 20u);
}

class FailedSyncTest : public FaultTest, public ::testing::WithParamInterface<int> {};

TEST_P(FailedSyncTest, AFailedSyncFencesThePartitionUntilReopened) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
  uint64_t before = log->size_bytes();
  fx.fault().fail_syncs(GetParam());
  auto r = fx.append(*log, make_batch({.records = 3}));
  ASSERT_FALSE(r);
  EXPECT_FALSE(log->write_status().is_ok());
  EXPECT_NE(log->write_status().message().find("reopened"), std::string::npos);
  EXPECT_EQ(log->high_watermark(), Offset(3));
  EXPECT_EQ(log_size(), before);  // the unacknowledged bytes are gone (and the zeros)
  // No retry: the partition refuses appends even though the next sync would succeed.
  auto refused = fx.append(*log, make_batch({}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), log->write_status().code());
  EXPECT_FALSE(fx.flush(*log).is_ok());
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 3u);  // reads still work

  log.reset();
  auto reopened = fx.open_ok({});
  EXPECT_EQ(reopened->high_watermark(), Offset(3));
  auto ok = fx.append(*reopened, make_batch({}));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->base_offset, Offset(3));
}

INSTANTIATE_TEST_SUITE_P(Errors, FailedSyncTest, ::testing::Values(EIO, ENOSPC));

TEST_F(FaultTest, AFailedIntervalSyncFencesThePartition) {
  auto log = fx.open_ok({.durability = DurabilityPolicy::every(std::chrono::milliseconds(5))});
  fx.fault().fail_syncs(EIO);
  ASSERT_TRUE(fx.append(*log, make_batch({})));
  ASSERT_TRUE(testing::run_until(fx.ctx(), [&] { return !log->write_status().is_ok(); }));
  EXPECT_FALSE(fx.append(*log, make_batch({})));
}

// Appends batches, crashes the machine at random points, reopens, and checks that every
// acknowledged durable record is there at its offset with its value.
TEST_F(FaultTest, PowerLossNeverLosesAnAcknowledgedDurableAppend) {
  std::mt19937_64 rng(7);
  PartitionConfig config{.segment_bytes = 3000};
  std::map<int64_t, std::string> acked;  // offset -> value
  uint64_t seed = 0;
  for (int round = 0; round < 30; ++round) {
    auto log = fx.open_ok(config);
    ASSERT_TRUE(log);
    EXPECT_GE(log->high_watermark().value(), acked.empty() ? 0 : acked.rbegin()->first + 1);
    int groups = 1 + static_cast<int>(rng() % 4);
    for (int g = 0; g < groups; ++g) {
      std::vector<BatchSpec> specs;
      std::vector<std::vector<std::byte>> batches;
      for (int b = 1 + static_cast<int>(rng() % 5); b > 0; --b) {
        specs.push_back({.records = 1 + static_cast<int>(rng() % 4),
                         .value_bytes = 10 + rng() % 200,
                         .seed = ++seed});
        batches.push_back(make_batch(specs.back()));
      }
      auto results = fx.append_all(*log, std::move(batches));
      for (size_t i = 0; i < results.size(); ++i) {
        ASSERT_TRUE(results[i]) << results[i].error().to_string();
        ASSERT_TRUE(results[i]->durable);
        for (int r = 0; r < specs[i].records; ++r) {
          acked[results[i]->base_offset.value() + r] = testing::expected_value(specs[i], r);
        }
      }
    }
    // An append that is written but not yet acknowledged when the power goes.
    auto pending = std::make_shared<std::vector<std::byte>>(make_batch({.seed = ++seed}));
    log->append(*pending, [pending](const Result<AppendResult>&) {});
    fx.fault().crash();
    log.reset();
  }
  auto log = fx.open_ok(config);
  auto records = fx.read_all(*log, Offset(0));
  std::map<int64_t, std::string> present;
  for (const auto& r : records) present[r.offset.value()] = r.value;
  size_t lost = 0;
  for (const auto& [offset, value] : acked) {
    auto it = present.find(offset);
    if (it == present.end() || it->second != value) ++lost;
  }
  EXPECT_EQ(lost, 0u) << "of " << acked.size() << " acknowledged records";
  EXPECT_GT(log->segment_count(), 3u);
}

TEST_F(FaultTest, PowerLossUnderNeverKeepsWhatAFlushSynced) {
  PartitionConfig config{.durability = DurabilityPolicy::never()};
  {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(fx.append(*log, make_batch({})));
    ASSERT_TRUE(fx.flush(*log).is_ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({})));
    fx.fault().crash();
  }
  auto log = fx.open_ok(config);
  // Acknowledged but never synced appends are lost under this policy; the synced ones are not.
  EXPECT_EQ(log->high_watermark(), Offset(10));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 10u);
}

TEST_F(FaultTest, PowerLossUnderIntervalKeepsWhatTheTimerSynced) {
  PartitionConfig config{.durability = DurabilityPolicy::every(std::chrono::milliseconds(10))};
  {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(fx.append(*log, make_batch({})));
    int syncs = fx.fault().syncs();
    ASSERT_TRUE(testing::run_until(fx.ctx(), [&] { return fx.fault().syncs() > syncs; }));
    fx.fault().crash();
  }
  auto log = fx.open_ok(config);
  EXPECT_EQ(log->high_watermark(), Offset(10));
}

TEST_F(FaultTest, ANewPartitionDirectorySurvivesPowerLoss) {
  {
    auto log = fx.open_ok({});
    ASSERT_TRUE(fx.append(*log, make_batch({.records = 4})));
    fx.fault().crash();
  }
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(4));
}

}  // namespace
}  // namespace cairn::storage
