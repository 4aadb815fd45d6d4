#include "storage/log_inspector.h"

#include <gtest/gtest.h>

#include "storage/format.h"
#include "storage/recovery.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;

class CountingVisitor final : public LogVisitor {
 public:
  void on_segment(const std::filesystem::path&, Offset, uint64_t) override { ++segments; }
  void on_batch(FilePosition, const protocol::BatchHeader& h, Bytes, const Status& s) override {
    offsets.push_back(h.base_offset.value());
    if (!s.is_ok()) ++bad_batches;
  }
  void on_corruption(FilePosition at, const Status&, std::optional<FilePosition> resume) override {
    corrupt_at.push_back(at.value());
    resumes.push_back(resume ? static_cast<int64_t>(resume->value()) : -1);
  }
  void on_index(const std::filesystem::path&, size_t, const Status& s) override {
    if (!s.is_ok()) ++bad_indexes;
  }
  void on_recovery_point(const std::optional<RecoveryPoint>&, const Status& s) override {
    if (!s.is_ok()) ++bad_metadata;
  }
  void on_snapshot(const std::filesystem::path&, Offset, size_t, const Status& s) override {
    ++snapshots;
    if (!s.is_ok()) ++bad_metadata;
  }
  int segments = 0, bad_batches = 0, bad_indexes = 0, bad_metadata = 0, snapshots = 0;
  std::vector<int64_t> offsets, corrupt_at, resumes;
};

class LogInspectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = fx.open_ok({.segment_bytes = 1500, .index_interval_bytes = 200});
    for (int i = 0; i < 20; ++i) {
      starts.push_back(log->size_bytes());
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 2, .value_bytes = 100})));
    }
    fx.flush_and_close(*log);
  }
  testing::PartitionFixture fx{"fault"};
  std::vector<uint64_t> starts;
};

TEST_F(LogInspectorTest, AHealthyLogHasNoProblems) {
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary) << summary.error().to_string();
  EXPECT_GT(summary->segments, 2u);
  EXPECT_EQ(summary->batches, 20u);
  EXPECT_EQ(summary->records, 40);
  EXPECT_EQ(summary->corruptions, 0u);
  EXPECT_EQ(summary->index_problems, 0u);
  EXPECT_EQ(summary->next_offset, Offset(40));
  EXPECT_EQ(v.offsets.size(), 20u);
}

TEST_F(LogInspectorTest, ACorruptBatchIsReportedAndTheWalkResumesAfterIt) {
  auto* bytes = fx.fault().contents(fx.segment_path(Offset(0), format::kLogSuffix));
  (*bytes)[starts[1] + 30] ^= std::byte{0x40};
  auto before = *bytes;
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->corruptions, 1u);
  ASSERT_EQ(v.corrupt_at.size(), 1u);
  EXPECT_EQ(v.corrupt_at[0], static_cast<int64_t>(starts[1]));
  EXPECT_EQ(v.resumes[0], static_cast<int64_t>(starts[2]));
  EXPECT_EQ(summary->batches, 19u);
  EXPECT_EQ(*bytes, before);  // read-only
}

TEST_F(LogInspectorTest, AnIndexThatDisagreesWithTheLogIsAWarning) {
  auto* index = fx.fault().contents(fx.segment_path(Offset(0), format::kOffsetIndexSuffix));
  ASSERT_GE(index->size(), 16u);
  (*index)[12] = std::byte{0x03};  // second entry's position moves off a batch boundary
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->corruptions, 0u);
  EXPECT_EQ(summary->index_problems, 1u);
}

TEST_F(LogInspectorTest, ASingleSegmentFileCanBeInspected) {
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.segment_path(Offset(0), format::kLogSuffix), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->segments, 1u);
  EXPECT_FALSE(inspect_log(fx.io(), fx.dir() / "nonsense", v));
}

TEST_F(LogInspectorTest, ATimeIndexTruncatedToNothingIsAProblem) {
  fx.fault().contents(fx.segment_path(Offset(0), format::kTimeIndexSuffix))->clear();
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->index_problems, 1u);
  EXPECT_EQ(v.bad_indexes, 1);
}

TEST_F(LogInspectorTest, TheLiveActiveSegmentsUnwrittenIndexFilesAreNoProblem) {
  auto log = fx.open_ok({.segment_bytes = 1500, .index_interval_bytes = 200});
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.records = 2, .value_bytes = 100})));
  ASSERT_TRUE(fx.flush(*log).is_ok());
  // The broker is still running: the active segment's index files are those of the last clean
  // close (now stale) or none at all.
  auto active = list_offset_files(fx.io(), fx.dir(), format::kLogSuffix)->back();
  fx.io().remove_file(fx.segment_path(active, format::kOffsetIndexSuffix)).ignore_error();
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary) << summary.error().to_string();
  EXPECT_EQ(summary->index_problems, 0u);
  EXPECT_EQ(summary->corruptions, 0u);
  EXPECT_EQ(summary->metadata_problems, 0u);
}

TEST_F(LogInspectorTest, ADamagedRecoveryPointIsAProblem) {
  (*fx.fault().contents(fx.dir() / format::kRecoveryPointFile))[10] ^= std::byte{0x01};
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->metadata_problems, 1u);
  EXPECT_EQ(summary->corruptions, 0u);  // recovery just scans everything
}

TEST_F(LogInspectorTest, ARecoveryPointPastTheLogEndIsCorruption) {
  ASSERT_TRUE(write_recovery_point(fx.io(), fx.dir(), Offset(1000), 0).is_ok());
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->corruptions, 1u);  // recovery refuses the partition
  EXPECT_EQ(v.bad_metadata, 1);
}

TEST_F(LogInspectorTest, ADamagedProducerSnapshotIsAProblem) {
  auto snapshots = list_offset_files(fx.io(), fx.dir(), format::kSnapshotSuffix);
  ASSERT_TRUE(snapshots && !snapshots->empty());
  CountingVisitor healthy;
  ASSERT_TRUE(inspect_log(fx.io(), fx.dir(), healthy));
  EXPECT_EQ(healthy.snapshots, static_cast<int>(snapshots->size()));
  EXPECT_EQ(healthy.bad_metadata, 0);
  (*fx.fault().contents(fx.segment_path(snapshots->back(), format::kSnapshotSuffix)))[9] ^=
      std::byte{0x02};
  CountingVisitor v;
  auto summary = inspect_log(fx.io(), fx.dir(), v);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->metadata_problems, 1u);
}

TEST_F(LogInspectorTest, AMissingPathIsNotFound) {
  CountingVisitor v;
  auto missing = inspect_log(fx.io(), fx.dir() / "nope", v);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), Status::Code::kNotFound);
  EXPECT_NE(missing.error().message().find("no such file or directory"), std::string::npos);
}

}  // namespace
}  // namespace cairn::storage
