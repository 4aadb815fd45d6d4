#include "storage/partition_log.h"

#include <gtest/gtest.h>

#include <map>

#include "storage/format.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::BatchSpec;
using testing::make_batch;
using testing::PartitionFixture;

class PartitionLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  PartitionFixture fx{GetParam()};
};

TEST_P(PartitionLogTest, AppendsGetConsecutiveOffsetsAndReadBack) {
  auto log = fx.open_ok({});
  int64_t expected = 0;
  std::vector<BatchSpec> specs;
  for (int i = 0; i < 20; ++i) {
    BatchSpec spec{.records = 1 + i % 5,
                   .value_bytes = 10 + static_cast<size_t>(i),
                   .seed = static_cast<uint64_t>(i)};
    specs.push_back(spec);
    auto r = fx.append(*log, make_batch(spec));
    ASSERT_TRUE(r) << r.error().to_string();
    EXPECT_EQ(r->base_offset, Offset(expected));
    EXPECT_EQ(r->last_offset, Offset(expected + spec.records - 1));
    EXPECT_TRUE(r->durable);  // the default policy syncs every append
    expected += spec.records;
  }
  EXPECT_EQ(log->high_watermark(), Offset(expected));
  auto records = fx.read_all(*log, Offset(0));
  ASSERT_EQ(records.size(), static_cast<size_t>(expected));
  size_t k = 0;
  for (const BatchSpec& spec : specs) {
    for (int i = 0; i < spec.records; ++i, ++k) {
      EXPECT_EQ(records[k].offset, Offset(static_cast<int64_t>(k)));
      EXPECT_EQ(records[k].value, testing::expected_value(spec, i));
    }
  }
}

TEST_P(PartitionLogTest, ConcurrentAppendsShareGroupWritesInOrder) {
  auto log = fx.open_ok({});
  std::vector<std::vector<std::byte>> batches;
  for (int i = 0; i < 64; ++i) {
    batches.push_back(make_batch({.records = 3, .seed = static_cast<uint64_t>(i)}));
  }
  int syncs_before = fx.is_fault() ? fx.fault().syncs() : 0;
  auto results = fx.append_all(*log, std::move(batches));
  for (size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i]) << results[i].error().to_string();
    EXPECT_EQ(results[i]->base_offset, Offset(static_cast<int64_t>(3 * i)));
  }
  if (fx.is_fault()) {
    // The first append goes alone; the other 63 arrive while it is in flight and share a sync.
    EXPECT_LE(fx.fault().syncs() - syncs_before, 2);
  }
}

TEST_P(PartitionLogTest, ReadsAcrossSegmentRolls) {
  auto log = fx.open_ok({.segment_bytes = 4096, .index_interval_bytes = 512});
  for (int i = 0; i < 150; ++i) {
    ASSERT_TRUE(fx.append(
        *log, make_batch({.records = 2, .value_bytes = 50, .seed = static_cast<uint64_t>(i)})));
  }
  EXPECT_GT(log->segment_count(), 5u);
  auto records = fx.read_all(*log, Offset(0), 1500);
  ASSERT_EQ(records.size(), 300u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].offset, Offset(static_cast<int64_t>(i)));
    EXPECT_EQ(records[i].value,
              testing::expected_value({.records = 2, .value_bytes = 50, .seed = i / 2},
                                      static_cast<int>(i % 2)));
  }
}

TEST_P(PartitionLogTest, AGroupWriteAfterARollStopsAtTheSegmentSize) {
  // Batches queued while a write is in flight go out as one group; the group that starts a
  // fresh segment must still stop at the segment size, not fill the segment with all of them.
  constexpr uint64_t kSegment = 4096;
  auto log = fx.open_ok({.segment_bytes = kSegment});
  std::vector<std::vector<std::byte>> batches;
  for (int i = 0; i < 300; ++i) {
    batches.push_back(
        make_batch({.records = 2, .value_bytes = 50, .seed = static_cast<uint64_t>(i)}));
  }
  for (const auto& r : fx.append_all(*log, std::move(batches))) {
    ASSERT_TRUE(r) << r.error().to_string();
  }
  // No segment is larger than the segment size, so there are at least this many.
  EXPECT_GE(log->segment_count(), (log->size_bytes() + kSegment - 1) / kSegment);
  EXPECT_EQ(fx.read_all(*log, Offset(0), 1500).size(), 600u);
}

TEST_P(PartitionLogTest, ASmallerSegmentSizeAppliedLiveTakesEffectAtTheNextAppend) {
  auto log = fx.open_ok({});
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(fx.append(
        *log, make_batch({.records = 2, .value_bytes = 50, .seed = static_cast<uint64_t>(i)})));
  }
  EXPECT_EQ(log->segment_count(), 1u);
  PartitionConfig changed = log->config();
  changed.segment_bytes = 512;
  ASSERT_TRUE(log->apply_settings(changed).is_ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(fx.append(
        *log, make_batch({.records = 2, .value_bytes = 50, .seed = static_cast<uint64_t>(i)})));
  }
  EXPECT_GE(log->segment_count(), 4u);
  changed.segment_bytes = 1;  // below a batch header: refused, nothing changes
  EXPECT_EQ(log->apply_settings(changed).code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(log->config().segment_bytes, 512u);
}

TEST_P(PartitionLogTest, EveryOffsetIsFoundThroughTheIndex) {
  auto log = fx.open_ok({.segment_bytes = 16384, .index_interval_bytes = 256});
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(fx.append(
        *log,
        make_batch({.records = 1 + i % 7, .value_bytes = 20, .seed = static_cast<uint64_t>(i)})));
  }
  for (int64_t o = 0; o < log->high_watermark().value(); ++o) {
    auto slice = log->read(Offset(o), 1);
    ASSERT_TRUE(slice) << o << ": " << slice.error().to_string();
    auto bytes = PartitionFixture::slice_bytes(*slice);
    auto view = protocol::RecordBatchView::parse(bytes, protocol::Verify::kStored);
    ASSERT_TRUE(view);
    EXPECT_LE(view->header().base_offset, Offset(o));
    EXPECT_GE(view->header().last_offset(), Offset(o));
    EXPECT_EQ(slice->size_bytes, view->bytes().size());  // max_bytes 1: exactly one batch
  }
}

TEST_P(PartitionLogTest, ReadsOutsideTheLogAreOutOfRange) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 4})));
  auto at_end = log->read(Offset(4), 1000);
  ASSERT_TRUE(at_end);
  EXPECT_EQ(at_end->size_bytes, 0u);
  EXPECT_EQ(log->read(Offset(5), 1000).error().code(), Status::Code::kOutOfRange);
  EXPECT_EQ(log->read(Offset(-1), 1000).error().code(), Status::Code::kOutOfRange);
}

TEST_P(PartitionLogTest, FindsTheFirstOffsetAtOrAfterATimestamp) {
  auto log = fx.open_ok({.segment_bytes = 2048, .index_interval_bytes = 128});
  // Record timestamps: mostly increasing, with a few going backwards, as producers' clocks do.
  std::vector<int64_t> stamps;
  for (int i = 0; i < 60; ++i) {
    BatchSpec spec{.records = 3,
                   .value_bytes = 30,
                   .timestamp_ms = 1000 + i * 10 - (i % 4 == 3 ? 25 : 0),
                   .timestamp_step_ms = 2};
    for (int r = 0; r < 3; ++r) stamps.push_back(spec.timestamp_ms + r * 2);
    ASSERT_TRUE(fx.append(*log, make_batch(spec)));
  }
  ASSERT_GT(log->segment_count(), 3u);
  for (int64_t t = 900; t < 1700; t += 7) {
    std::optional<Offset> want;
    for (size_t i = 0; i < stamps.size(); ++i) {
      if (stamps[i] >= t) {
        want = Offset(static_cast<int64_t>(i));
        break;
      }
    }
    auto got = log->offset_for_timestamp(timestamp_from_millis(t));
    ASSERT_TRUE(got) << got.error().to_string();
    EXPECT_EQ(*got, want) << "timestamp " << t;
  }
}

TEST_P(PartitionLogTest, RetentionBySizeDeletesWholeOldSegments) {
  auto log = fx.open_ok({.segment_bytes = 2048, .retention_bytes = 6000});
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(fx.append(*log, make_batch({.records = 2, .value_bytes = 40})));
  }
  ASSERT_TRUE(fx.flush(*log).is_ok());  // segments still being sealed are not deleted
  ASSERT_TRUE(log->enforce_retention());
  EXPECT_GE(log->size_bytes(), 6000u);
  EXPECT_LT(log->size_bytes(), 6000u + 2048u);
  Offset start = log->log_start_offset();
  EXPECT_GT(start, Offset(0));
  EXPECT_EQ(log->read(start - 1, 100).error().code(), Status::Code::kOutOfRange);
  auto rest = fx.read_all(*log, start);
  EXPECT_EQ(rest.size(), static_cast<size_t>(200 - start.value()));
  EXPECT_FALSE(fx.is_fault() ? fx.fault().exists(fx.segment_path(Offset(0), ".log"))
                             : std::filesystem::exists(fx.segment_path(Offset(0), ".log")));
}

TEST_P(PartitionLogTest, RetentionByAgeUsesTheNewestRecordOfASegment) {
  Timestamp now = timestamp_from_millis(1'000'000);
  auto log = fx.open_ok({.segment_bytes = 1024,
                         .retention_age = std::chrono::milliseconds(5000),
                         .clock = [&now] { return now; }});
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(fx.append(
        *log,
        make_batch({.records = 1, .value_bytes = 200, .timestamp_ms = 1'000'000 + i * 1000})));
  }
  size_t segments = log->segment_count();
  ASSERT_GT(segments, 4u);
  ASSERT_TRUE(fx.flush(*log).is_ok());              // segments still being sealed are not deleted
  ASSERT_EQ(*log->enforce_retention(), 0u);         // nothing is older than 5 s yet
  now = timestamp_from_millis(1'000'000 + 15'500);  // records up to t=10.5 s are past retention
  ASSERT_TRUE(log->enforce_retention());
  auto records = fx.read_all(*log, log->log_start_offset());
  ASSERT_FALSE(records.empty());
  EXPECT_LT(log->segment_count(), segments);
  // Every record of a deleted segment was older than the limit; the first kept segment holds
  // at least one record that is not.
  EXPECT_LE(log->log_start_offset(), Offset(11));
  int64_t newest_in_first = 0;
  for (const auto& r : records) {
    if (r.offset >= log->log_start_offset() &&
        r.offset.value() < log->log_start_offset().value() + 4) {
      newest_in_first = std::max(newest_in_first, r.timestamp_ms);
    }
  }
  EXPECT_GE(newest_in_first, 1'000'000 + 10'500);
}

TEST_P(PartitionLogTest, DeleteSegmentsBeforeKeepsTheSegmentHoldingTheOffset) {
  auto log = fx.open_ok({.segment_bytes = 1024});
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 100})));
  ASSERT_GT(log->segment_count(), 4u);
  ASSERT_TRUE(fx.flush(*log).is_ok());  // segments still being sealed are not deleted
  auto deleted = log->delete_segments_before(Offset(20));
  ASSERT_TRUE(deleted);
  EXPECT_GT(*deleted, 0u);
  EXPECT_LE(log->log_start_offset(), Offset(20));
  EXPECT_GT(log->log_start_offset(), Offset(0));
  EXPECT_EQ(fx.read_all(*log, log->log_start_offset()).size(),
            static_cast<size_t>(40 - log->log_start_offset().value()));
  ASSERT_TRUE(log->delete_segments_before(Offset(1000)));
  EXPECT_EQ(log->segment_count(), 1u);  // never the active segment
}

TEST_P(PartitionLogTest, RollsBySegmentAge) {
  Timestamp now = timestamp_from_millis(50'000);
  auto log =
      fx.open_ok({.segment_age = std::chrono::milliseconds(1000), .clock = [&now] { return now; }});
  ASSERT_TRUE(fx.append(*log, make_batch({.timestamp_ms = 50'000})));
  ASSERT_TRUE(fx.append(*log, make_batch({.timestamp_ms = 50'100})));
  EXPECT_EQ(log->segment_count(), 1u);
  now = timestamp_from_millis(51'500);
  ASSERT_TRUE(fx.append(*log, make_batch({.timestamp_ms = 51'500})));
  EXPECT_EQ(log->segment_count(), 2u);
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 3u);
}

TEST_P(PartitionLogTest, CleanReopenKeepsEveryOffsetWithoutAScan) {
  std::vector<testing::ReadRecord> before;
  {
    auto log = fx.open_ok({.segment_bytes = 4096});
    for (int i = 0; i < 80; ++i) {
      ASSERT_TRUE(fx.append(
          *log, make_batch({.records = 3, .value_bytes = 30, .seed = static_cast<uint64_t>(i)})));
    }
    before = fx.read_all(*log, Offset(0));
    fx.flush_and_close(*log);
  }
  auto log = fx.open_ok({.segment_bytes = 4096});
  EXPECT_EQ(log->recovery_report().segments_scanned, 0u);
  EXPECT_EQ(log->recovery_report().indexes_rebuilt, 0u);
  EXPECT_EQ(log->high_watermark(), Offset(240));
  auto after = fx.read_all(*log, Offset(0));
  ASSERT_EQ(after.size(), before.size());
  for (size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i].offset, before[i].offset);
    EXPECT_EQ(after[i].value, before[i].value);
  }
  // Appending continues the offsets.
  auto r = fx.append(*log, make_batch({.records = 2}));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->base_offset, Offset(240));
}

TEST_P(PartitionLogTest, UncleanReopenScansOnlyTheActiveSegment) {
  {
    auto log = fx.open_ok({.segment_bytes = 4096});
    for (int i = 0; i < 80; ++i) {
      ASSERT_TRUE(fx.append(*log, make_batch({.records = 3, .value_bytes = 30})));
    }
    ASSERT_TRUE(fx.flush(*log).is_ok());  // segments sealed, but no clean close
  }
  auto log = fx.open_ok({.segment_bytes = 4096});
  EXPECT_GT(log->segment_count(), 3u);
  EXPECT_EQ(log->recovery_report().segments_scanned, 1u);
  EXPECT_EQ(log->high_watermark(), Offset(240));
  EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), 240u);
}

TEST_P(PartitionLogTest, DurabilityPolicyDecidesTheDurableFlag) {
  auto log = fx.open_ok({.durability = DurabilityPolicy::never()});
  auto r = fx.append(*log, make_batch({}));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->durable);
  EXPECT_TRUE(fx.flush(*log).is_ok());
}

TEST_P(PartitionLogTest, IntervalPolicySyncsOnItsTimer) {
  auto log = fx.open_ok({.durability = DurabilityPolicy::every(std::chrono::milliseconds(20))});
  int syncs = fx.is_fault() ? fx.fault().syncs() : 0;
  auto r = fx.append(*log, make_batch({}));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->durable);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  testing::run_until(fx.ctx(), [&] { return std::chrono::steady_clock::now() > deadline; });
  if (fx.is_fault()) {
    EXPECT_GT(fx.fault().syncs(), syncs);
  }
  EXPECT_TRUE(log->idle());
}

TEST_P(PartitionLogTest, MalformedBatchesAreRefusedAndLeaveNoTrace) {
  auto log = fx.open_ok({});
  auto batch = make_batch({.records = 2});
  batch[batch.size() - 1] ^= std::byte{1};
  auto r = fx.append(*log, batch);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Status::Code::kCorruption);
  // Too short to be a batch: built wrong, not damaged (no checksum to fail).
  auto tiny = std::vector<std::byte>(10);
  EXPECT_EQ(fx.append(*log, tiny).error().code(), Status::Code::kInvalidArgument);
  auto big = make_batch({.records = 1, .value_bytes = 2000});
  auto small_log_cfg = PartitionConfig{.max_batch_bytes = 1000};
  EXPECT_EQ(log->high_watermark(), Offset(0));
  EXPECT_EQ(log->size_bytes(), 0u);
  log.reset();
  auto limited = fx.open_ok(small_log_cfg);
  EXPECT_EQ(fx.append(*limited, big).error().code(), Status::Code::kInvalidArgument);
}

TEST_P(PartitionLogTest, RemoveDeletesThePartition) {
  {
    auto log = fx.open_ok({.segment_bytes = 1024});
    for (int i = 0; i < 10; ++i) ASSERT_TRUE(fx.append(*log, make_batch({.value_bytes = 300})));
    fx.flush_and_close(*log);
  }
  ASSERT_TRUE(PartitionLog::remove(fx.io(), fx.dir()).is_ok());
  EXPECT_EQ(fx.io().list_directory(fx.dir()).error().code(), Status::Code::kNotFound);
}

// A clean stop begins the close before its final flush, so an append arriving in between (from
// another core, a timer) cannot land after the recovery point the close records.
TEST_P(PartitionLogTest, AnAppendAfterACloseBeganIsRefusedAndTheReopenedLogHoldsEveryAck) {
  std::vector<std::vector<std::byte>> batches;
  for (int i = 0; i < 4; ++i) batches.push_back(make_batch({.records = 2, .seed = uint64_t(i)}));
  {
    auto log = fx.open_ok({});
    ASSERT_TRUE(fx.append(*log, batches[0]));
    log->begin_close();
    std::optional<Result<AppendResult>> late;
    log->append(batches[1], [&late](Result<AppendResult> r) { late = std::move(r); });
    // Another append arrives from the flush's own completion, as in a broker's drain.
    std::optional<Result<AppendResult>> later;
    std::optional<Status> flushed;
    log->flush([&](Status s) {
      flushed = s;
      log->append(batches[2], [&later](Result<AppendResult> r) { later = std::move(r); });
    });
    ASSERT_TRUE(testing::run_until(fx.ctx(), [&] { return flushed && late && later; }));
    ASSERT_TRUE(flushed->is_ok());
    ASSERT_FALSE(*late);
    EXPECT_EQ(late->error().code(), Status::Code::kUnavailable);
    ASSERT_FALSE(*later);
    ASSERT_TRUE(log->idle());
    Status closed = log->close();
    ASSERT_TRUE(closed.is_ok()) << closed.to_string();
  }
  auto log = fx.open_ok({});
  EXPECT_EQ(log->high_watermark(), Offset(2));
  EXPECT_EQ(log->recovery_report().segments_scanned, 0u);
}

TEST_P(PartitionLogTest, CloseWithAWriteInFlightFailsAndClaimsNothing) {
  auto log = fx.open_ok({});
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
  std::optional<Result<AppendResult>> pending;
  auto batch = std::make_shared<std::vector<std::byte>>(make_batch({.records = 3}));
  log->append(*batch, [&pending, batch](Result<AppendResult> r) { pending = std::move(r); });
  Status closed = log->close();
  EXPECT_EQ(closed.code(), Status::Code::kUnavailable) << closed.to_string();
  ASSERT_TRUE(testing::run_until(fx.ctx(), [&] { return pending.has_value(); }));
  ASSERT_TRUE(*pending);
  fx.flush_and_close(*log);
  log.reset();
  EXPECT_EQ(fx.open_ok({})->high_watermark(), Offset(5));
}

TEST_P(PartitionLogTest, DestroyingALogCompletesTheFlushesWaitingOnIt) {
  auto log = fx.open_ok({});
  auto batch = std::make_shared<std::vector<std::byte>>(make_batch({}));
  log->append(*batch, [batch](Result<AppendResult>) {});
  std::optional<Status> flushed;
  log->flush([&flushed](const Status& s) { flushed = s; });
  log.reset();
  ASSERT_TRUE(testing::run_until(
      fx.ctx(), [&] { return flushed.has_value(); }, std::chrono::seconds(2)));
  EXPECT_EQ(flushed->code(), Status::Code::kUnavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, PartitionLogTest, ::testing::Values("uring", "posix", "fault"),
                         testing::backend_name);

}  // namespace
}  // namespace cairn::storage
