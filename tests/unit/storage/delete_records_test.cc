// DeleteRecords in storage: moving a partition's log start forward (PartitionLog::
// delete_records_before), durably, with the whole segments below it deleted.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/format.h"
#include "storage/offset_checkpoint.h"
#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

class DeleteRecordsTest : public ::testing::TestWithParam<std::string> {
 protected:
  // 40 one-record batches of 100 bytes in segments of 1 KiB (about 7 batches each), flushed.
  std::unique_ptr<PartitionLog> filled(PartitionConfig config = {.segment_bytes = 1024}) {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 40; ++i) EXPECT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
    EXPECT_TRUE(fx.flush(*log).is_ok());  // segments still being sealed are not deleted
    return log;
  }

  PartitionFixture fx{GetParam()};
};

TEST_P(DeleteRecordsTest, TheLogStartMovesToTheOffsetAndReadsBeforeItAreRefused) {
  auto log = filled();
  size_t segments = log->segment_count();
  auto start = log->delete_records_before(Offset(17));
  ASSERT_TRUE(start) << start.error().to_string();
  EXPECT_EQ(*start, Offset(17));
  EXPECT_EQ(log->log_start_offset(), Offset(17));
  EXPECT_LT(log->segment_count(), segments);  // the whole segments below went
  EXPECT_EQ(log->read(Offset(16), 100).error().code(), Status::Code::kOutOfRange);
  auto rest = fx.read_all(*log, Offset(17));
  ASSERT_EQ(rest.size(), 23u);
  EXPECT_EQ(rest.front().offset, Offset(17));
}

TEST_P(DeleteRecordsTest, AnOffsetAtOrBeforeTheLogStartChangesNothingAndOnePastTheEndIsRefused) {
  auto log = filled();
  ASSERT_EQ(*log->delete_records_before(Offset(10)), Offset(10));
  EXPECT_EQ(*log->delete_records_before(Offset(4)), Offset(10));
  auto past = log->delete_records_before(Offset(41));
  ASSERT_FALSE(past);
  EXPECT_EQ(past.error().code(), Status::Code::kOutOfRange);
  EXPECT_EQ(log->log_start_offset(), Offset(10));
  // Up to the log end is allowed: everything is gone, appends go on after it.
  EXPECT_EQ(*log->delete_records_before(Offset(40)), Offset(40));
  EXPECT_TRUE(fx.read_all(*log, Offset(40)).empty());
  auto next = fx.append(*log, make_batch({.value_bytes = 100}));
  ASSERT_TRUE(next);
  EXPECT_EQ(next->base_offset, Offset(40));
}

TEST_P(DeleteRecordsTest, TheLogStartSurvivesAReopenEvenInsideASegment) {
  {
    auto log = filled();
    ASSERT_TRUE(log->delete_records_before(Offset(23)));
    fx.flush_and_close(*log);
  }
  auto log = fx.open_ok({.segment_bytes = 1024});
  EXPECT_EQ(log->log_start_offset(), Offset(23));
  EXPECT_EQ(log->read(Offset(22), 100).error().code(), Status::Code::kOutOfRange);
  EXPECT_EQ(fx.read_all(*log, Offset(23)).size(), 17u);
}

TEST_P(DeleteRecordsTest, ACompactOnlyTopicDropsTheSegmentsBelowTheLogStartAtItsNextPass) {
  PartitionConfig config{.segment_bytes = 1024};
  config.cleanup.delete_old = false;
  config.cleanup.compact = true;
  auto log = filled(config);
  ASSERT_TRUE(log->delete_records_before(Offset(30)));
  // Whatever the first call could not delete, retention's pass deletes; never the active one.
  ASSERT_TRUE(log->enforce_retention());
  auto first = fx.segment_path(Offset(0), ".log");
  EXPECT_FALSE(fx.is_fault() ? fx.fault().exists(first) : std::filesystem::exists(first));
  EXPECT_EQ(fx.read_all(*log, log->log_start_offset()).size(), 10u);
}

TEST_P(DeleteRecordsTest, ADamagedCheckpointIsIgnoredAndOnePastTheLogEndIsTheLogEnd) {
  {
    auto log = filled();
    fx.flush_and_close(*log);
  }
  // A checkpoint past the log end (a tail a crash took under a lax policy) reads as the end.
  ASSERT_TRUE(write_offset_checkpoint(fx.io(), fx.dir(), kLogStartCheckpoint, Offset(99)).is_ok());
  {
    auto log = fx.open_ok({.segment_bytes = 1024});
    EXPECT_EQ(log->log_start_offset(), Offset(40));
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(write_offset_checkpoint(fx.io(), fx.dir(), kLogStartCheckpoint, Offset(12)).is_ok());
  const auto path = fx.dir() / std::string(format::kLogStartFile);
  if (fx.is_fault()) {
    auto* bytes = fx.fault().contents(path);
    ASSERT_NE(bytes, nullptr);
    (*bytes)[9] ^= std::byte{1};
  } else {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(9);
    char c = 0;
    file.get(c);
    file.seekp(9);
    file.put(static_cast<char>(c ^ 1));
    ASSERT_TRUE(file.good());
  }
  auto log = fx.open_ok({.segment_bytes = 1024});
  EXPECT_EQ(log->log_start_offset(), Offset(0));
}

INSTANTIATE_TEST_SUITE_P(Backends, DeleteRecordsTest, ::testing::Values("uring", "posix", "fault"),
                         testing::backend_name);

}  // namespace
}  // namespace cairn::storage
