// What a partition log tells its flush observer: each synced group with its appends, each
// durable append's latency, and failures by operation.
#include "storage/flush_observer.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <vector>

#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

// A fake that remembers what it heard.
class RecordingObserver : public FlushObserver {
 public:
  void on_group_synced(size_t appends, std::chrono::nanoseconds duration) override {
    groups.push_back(appends);
    sync_durations.push_back(duration);
  }
  void on_append_durable(std::chrono::nanoseconds latency) override {
    durable_latencies.push_back(latency);
  }
  void on_error(StorageOperation operation) override { errors.push_back(operation); }

  std::vector<size_t> groups;
  std::vector<std::chrono::nanoseconds> sync_durations;
  std::vector<std::chrono::nanoseconds> durable_latencies;
  std::vector<StorageOperation> errors;
};

TEST(FlushObserverTest, AnAlwaysSyncedAppendReportsItsGroupAndItsDurableLatency) {
  PartitionFixture fx{"fault"};
  auto log = fx.open_ok({});
  RecordingObserver observer;
  log->set_flush_observer(&observer);
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 3})));
  ASSERT_TRUE(fx.append(*log, make_batch({.records = 2})));
  EXPECT_EQ(observer.groups, (std::vector<size_t>{1, 1}));
  ASSERT_EQ(observer.durable_latencies.size(), 2u);
  for (auto d : observer.durable_latencies) EXPECT_GE(d.count(), 0);
  for (auto d : observer.sync_durations) EXPECT_GE(d.count(), 0);
  EXPECT_TRUE(observer.errors.empty());
}

TEST(FlushObserverTest, AppendsBetweenIntervalSyncsAreReportedAsOneGroupWhenSynced) {
  PartitionFixture fx{"fault"};
  auto log = fx.open_ok({.durability = DurabilityPolicy::never()});
  RecordingObserver observer;
  log->set_flush_observer(&observer);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(fx.append(*log, make_batch({})));
  EXPECT_TRUE(observer.groups.empty());
  ASSERT_TRUE(fx.flush(*log).is_ok());
  EXPECT_EQ(observer.groups, (std::vector<size_t>{3}));
  EXPECT_TRUE(observer.durable_latencies.empty());  // acknowledged before they were durable
}

TEST(FlushObserverTest, AFailedSyncAndAFailedWriteAreReportedByOperation) {
  PartitionFixture fx{"fault"};
  auto log = fx.open_ok({});
  RecordingObserver observer;
  log->set_flush_observer(&observer);
  fx.fault().fail_writes(EIO);
  EXPECT_FALSE(fx.append(*log, make_batch({})));
  fx.fault().fail_syncs(EIO);
  EXPECT_FALSE(fx.append(*log, make_batch({})));
  EXPECT_EQ(observer.errors,
            (std::vector<StorageOperation>{StorageOperation::kAppend, StorageOperation::kFsync}));
  EXPECT_TRUE(observer.groups.empty());
}

}  // namespace
}  // namespace cairn::storage
