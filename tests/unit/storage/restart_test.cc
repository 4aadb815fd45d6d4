// PartitionLog::restart_at(): a follower's log emptied and restarted at its leader's log start,
// crash-safe at every step (FORMAT.md, "Restarting a log at an offset").
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "protocol/record_batch_builder.h"
#include "storage/format.h"
#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

constexpr Offset kStart(500);

std::vector<std::byte> idempotent_batch(int32_t seq) {
  protocol::RecordBatchBuilder b({.producer_id = 7, .producer_epoch = 0, .base_sequence = seq});
  b.append(system_now(), std::nullopt, protocol::as_bytes(std::to_string(seq)));
  return b.seal();
}

// A batch as a leader stored it: `records` records from `base`, of leader epoch `epoch`.
std::vector<std::byte> leader_batch(Offset base, int32_t epoch, int records) {
  PartitionFixture leader("fault");
  auto log = leader.open_ok(PartitionConfig{});
  EXPECT_TRUE(log->restart_at(base).is_ok());
  EXPECT_TRUE(log->set_leader_epoch(epoch).is_ok());
  EXPECT_TRUE(leader.append(*log, make_batch({.records = records})));
  auto slice = log->read(base, 1 << 20);
  EXPECT_TRUE(slice);
  return slice ? PartitionFixture::slice_bytes(*slice) : std::vector<std::byte>{};
}

std::vector<std::string> files(PartitionFixture& fx) {
  auto names = fx.io().list_directory(fx.dir());
  EXPECT_TRUE(names);
  std::vector<std::string> out;
  if (names) out = *names;
  std::sort(out.begin(), out.end());
  return out;
}

// What a restarted log at kStart is, whether just restarted or reopened.
void expect_restarted(PartitionFixture& fx, const PartitionLog& log) {
  EXPECT_EQ(log.log_start_offset(), kStart);
  EXPECT_EQ(log.high_watermark(), kStart);
  EXPECT_EQ(log.segment_count(), 1u);
  EXPECT_EQ(log.producer_state().size(), 0u);
  for (const auto& e : log.leader_epochs().entries()) EXPECT_GE(e.start_offset, kStart);
  for (const std::string& name : files(fx)) {
    EXPECT_FALSE(name.ends_with(format::kSnapshotSuffix)) << name;
    EXPECT_NE(name, format::kLeaderEpochFile);
    if (name.ends_with(format::kLogSuffix)) EXPECT_EQ(name, "00000000000000000500.log");
  }
  auto below = log.read(Offset(kStart.value() - 1), 1024);
  ASSERT_FALSE(below);
  EXPECT_TRUE(below.error().is_out_of_range());
  auto at = log.read(kStart, 1024);
  ASSERT_TRUE(at) << at.error().to_string();
  EXPECT_EQ(at->size_bytes, 0u);
}

class RestartTest : public ::testing::TestWithParam<std::string> {
 protected:
  PartitionFixture fx{GetParam()};
  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};

  // A log of several segments, two leader epochs and an idempotent producer, closed and reopened
  // (producer snapshots and the epoch checkpoint on disk).
  std::unique_ptr<PartitionLog> filled() {
    auto log = fx.open_ok(config);
    for (int i = 0; i < 60; ++i) {
      if (i == 20) {
        EXPECT_TRUE(log->set_leader_epoch(4).is_ok());
      }
      auto r =
          i % 4 == 0
              ? fx.append(*log, idempotent_batch(i / 4))
              : fx.append(*log, make_batch({.value_bytes = 120, .seed = static_cast<uint64_t>(i)}));
      EXPECT_TRUE(r) << r.error().to_string();
    }
    fx.flush_and_close(*log);
    log.reset();
    return fx.open_ok(config);
  }
};

TEST_P(RestartTest, ARestartEmptiesTheLogAndStartsItAtTheOffset) {
  auto log = filled();
  ASSERT_GT(log->segment_count(), 3u);
  ASSERT_EQ(log->producer_state().size(), 1u);
  ASSERT_TRUE(log->restart_at(kStart).is_ok());
  expect_restarted(fx, *log);
}

TEST_P(RestartTest, ARestartedLogReopensAsRestarted) {
  auto log = filled();
  ASSERT_TRUE(log->restart_at(kStart).is_ok());
  log.reset();
  auto reopened = fx.open_ok(config);
  expect_restarted(fx, *reopened);
}

TEST_P(RestartTest, ARestartedLogTakesAReplicaBatchOfAnyEpochAtTheNewStart) {
  auto log = filled();
  ASSERT_TRUE(log->restart_at(kStart).is_ok());
  // Epoch 2 is older than the 4 the old log reached: the restarted log recorded none.
  auto r = fx.append_replica(*log, leader_batch(kStart, 2, 3));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->base_offset, kStart);
  EXPECT_EQ(log->high_watermark(), Offset(kStart.value() + 3));
  EXPECT_EQ(log->leader_epochs().latest_epoch(), 2);
  log.reset();
  auto reopened = fx.open_ok(config);
  EXPECT_EQ(reopened->log_start_offset(), kStart);
  EXPECT_EQ(reopened->high_watermark(), Offset(kStart.value() + 3));
  EXPECT_EQ(fx.read_all(*reopened, kStart).size(), 3u);
}

TEST_P(RestartTest, AnAppendAfterARestartTakesTheNewStart) {
  auto log = filled();
  ASSERT_TRUE(log->restart_at(kStart).is_ok());
  auto r = fx.append(*log, make_batch({.records = 2}));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_EQ(r->base_offset, kStart);
  // The producer is unknown now: its next batch must start a sequence afresh.
  auto stale = fx.append(*log, idempotent_batch(10));
  EXPECT_FALSE(stale);
}

TEST_P(RestartTest, ARestartAtOrBeforeTheEndOfALogWithBatchesIsRefused) {
  auto log = filled();
  Offset end = log->high_watermark();
  EXPECT_TRUE(log->restart_at(end).is_invalid_argument());
  EXPECT_TRUE(log->restart_at(Offset(end.value() - 1)).is_invalid_argument());
  EXPECT_EQ(log->high_watermark(), end);
  EXPECT_TRUE(log->write_status().is_ok());
}

TEST_P(RestartTest, AnEmptyLogRestartsBelowItsEndAtTheBaseOfABatchHoldingItsStart) {
  auto log = fx.open_ok(config);
  ASSERT_TRUE(log->restart_at(kStart).is_ok());
  // The leader's log start lies inside a batch that begins at 498.
  Status below = log->restart_at(Offset(498));
  ASSERT_TRUE(below.is_ok()) << below.to_string();
  auto r = fx.append_replica(*log, leader_batch(Offset(498), 1, 5));
  ASSERT_TRUE(r) << r.error().to_string();
  auto start = log->delete_records_before(kStart);
  ASSERT_TRUE(start);
  EXPECT_EQ(*start, kStart);
  log.reset();
  auto reopened = fx.open_ok(config);
  EXPECT_EQ(reopened->log_start_offset(), kStart);
  EXPECT_EQ(reopened->high_watermark(), Offset(503));
}

INSTANTIATE_TEST_SUITE_P(Backends, RestartTest, ::testing::Values("posix", "fault"),
                         testing::backend_name);

// A restart cut short at each of its file operations by a disk that dies there, then a power
// loss: the log that opens is the old one or a prefix-cut of it, its segments unchanged, every
// record below its log start (its end), or the restarted log; restarting again finishes the job.
TEST(RestartCrashTest, ARestartCutShortAtAnyFileOperationOpensToTheOldLogOrTheNewOne) {
  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};
  bool saw_old = false;
  bool saw_cut = false;
  bool finished = false;
  for (int done = 0; done < 200; ++done) {
    SCOPED_TRACE("operations before the failure: " + std::to_string(done));
    PartitionFixture fx("fault");
    auto log = fx.open_ok(config);
    for (int i = 0; i < 60; ++i) {
      if (i == 20) {
        ASSERT_TRUE(log->set_leader_epoch(4).is_ok());
      }
      auto r =
          i % 4 == 0
              ? fx.append(*log, idempotent_batch(i / 4))
              : fx.append(*log, make_batch({.value_bytes = 120, .seed = static_cast<uint64_t>(i)}));
      ASSERT_TRUE(r);
    }
    fx.flush_and_close(*log);
    log.reset();
    log = fx.open_ok(config);
    const Offset end = log->high_watermark();
    const auto epochs = log->leader_epochs().entries();
    std::map<std::string, std::vector<std::byte>> segments;
    for (const std::string& name : files(fx)) {
      if (name.ends_with(format::kLogSuffix))
        segments[name] = *fx.fault().contents(fx.dir() / name);
    }
    fx.fault().fail_operations_after(done);
    Status restarted = log->restart_at(kStart);
    fx.fault().fail_operations_after(-1);
    log.reset();
    fx.fault().crash();
    auto reopened = fx.open_ok(config);
    if (reopened->high_watermark() == kStart) {
      expect_restarted(fx, *reopened);
    } else {
      // The old log, or its newest segments: byte for byte, and ending where it ended.
      ASSERT_FALSE(restarted.is_ok());
      EXPECT_EQ(reopened->high_watermark(), end);
      std::vector<std::string> left;
      for (const std::string& name : files(fx)) {
        if (!name.ends_with(format::kLogSuffix)) continue;
        ASSERT_TRUE(segments.contains(name)) << name;
        EXPECT_EQ(*fx.fault().contents(fx.dir() / name), segments[name]) << name;
        left.push_back(name);
      }
      ASSERT_FALSE(left.empty());
      EXPECT_EQ(left.back(), segments.rbegin()->first);  // a prefix-cut: the newest are kept
      if (left.size() < segments.size()) {
        saw_cut = true;
        EXPECT_EQ(reopened->log_start_offset(), end);
      } else {
        saw_old = true;
        EXPECT_TRUE(reopened->log_start_offset() == end ||
                    reopened->log_start_offset() == Offset(0));
        if (left.size() == segments.size()) {
          EXPECT_EQ(reopened->leader_epochs().entries(), epochs);
          EXPECT_EQ(reopened->producer_state().size(), 1u);
        }
      }
      ASSERT_TRUE(reopened->restart_at(kStart).is_ok());
      expect_restarted(fx, *reopened);
    }
    if (restarted.is_ok()) {
      finished = true;
      break;
    }
  }
  EXPECT_TRUE(finished);
  EXPECT_TRUE(saw_old);
  EXPECT_TRUE(saw_cut);
}

// An empty log restarting below its end (at the base of the batch holding the leader's log
// start), cut short at each file operation, then a power loss: it opens with one empty segment, at
// the old start or the new one, and restarting again finishes the job.
TEST(RestartCrashTest, AnEmptyLogRestartingBelowItsEndOpensEmptyAtOneStartOrTheOther) {
  PartitionConfig config{.segment_bytes = 2048, .index_interval_bytes = 256};
  bool finished = false;
  for (int done = 0; done < 100 && !finished; ++done) {
    SCOPED_TRACE("operations before the failure: " + std::to_string(done));
    PartitionFixture fx("fault");
    auto log = fx.open_ok(config);
    ASSERT_TRUE(log->restart_at(kStart).is_ok());
    fx.fault().fail_operations_after(done);
    finished = log->restart_at(Offset(498)).is_ok();
    fx.fault().fail_operations_after(-1);
    log.reset();
    fx.fault().crash();
    auto reopened = fx.open_ok(config);
    ASSERT_EQ(reopened->segment_count(), 1u);
    ASSERT_EQ(reopened->size_bytes(), 0u);
    Offset at = reopened->high_watermark();
    ASSERT_TRUE(at == kStart || at == Offset(498)) << at.to_string();
    EXPECT_EQ(reopened->log_start_offset(), at);
    if (finished) EXPECT_EQ(at, Offset(498));
    if (at == kStart) ASSERT_TRUE(reopened->restart_at(Offset(498)).is_ok());
    auto r = fx.append_replica(*reopened, leader_batch(Offset(498), 1, 5));
    ASSERT_TRUE(r) << r.error().to_string();
  }
  EXPECT_TRUE(finished);
}

}  // namespace
}  // namespace cairn::storage
