// Closing many partition logs at once, as a clean stop of the broker does: each log closes as
// close() would have, on the real backends' threads.
#include <gtest/gtest.h>

#include "storage/partition_log.h"
#include "tests/unit/storage/partition_fixture.h"

namespace cairn::storage {
namespace {

using testing::make_batch;
using testing::PartitionFixture;

class CloseAllTest : public ::testing::TestWithParam<std::string> {
 protected:
  static PartitionConfig config() {
    return PartitionConfig{.segment_bytes = 4096,
                           .segment_age = std::chrono::days(365 * 1000),
                           .durability = DurabilityPolicy::always()};
  }
  std::filesystem::path dir(int i) const {
    return fx.dir().parent_path() / ("topic-" + std::to_string(i + 1));
  }
  std::unique_ptr<PartitionLog> open(int i) {
    auto log = PartitionLog::open(fx.io(), dir(i), config());
    EXPECT_TRUE(log) << log.error().to_string();
    return log ? std::move(*log) : nullptr;
  }

  PartitionFixture fx{GetParam()};
};

TEST_P(CloseAllTest, EveryLogClosedTogetherReopensCleanWithAllItsRecords) {
  constexpr int kLogs = 12;
  std::vector<std::unique_ptr<PartitionLog>> logs;
  std::vector<PartitionLog*> raw;
  for (int i = 0; i < kLogs; ++i) {
    logs.push_back(open(i));
    ASSERT_TRUE(logs.back());
    // A different number of batches each, over several segments for most.
    for (int b = 0; b <= i * 3; ++b) {
      ASSERT_TRUE(fx.append(*logs.back(), make_batch({.records = 2, .value_bytes = 100})));
    }
    logs.back()->begin_close();
    ASSERT_TRUE(fx.flush(*logs.back()).is_ok());
    raw.push_back(logs.back().get());
  }
  std::vector<Status> closed = PartitionLog::close_all(raw, 5);
  ASSERT_EQ(closed.size(), raw.size());
  for (const Status& s : closed) EXPECT_TRUE(s.is_ok()) << s.to_string();
  logs.clear();
  for (int i = 0; i < kLogs; ++i) {
    auto log = open(i);
    ASSERT_TRUE(log);
    EXPECT_TRUE(log->recovery_report().clean_start) << "log " << i;
    EXPECT_EQ(log->recovery_report().segments_scanned, 0u);
    EXPECT_EQ(log->high_watermark(), Offset(2 * (i * 3 + 1)));
    EXPECT_EQ(fx.read_all(*log, Offset(0)).size(), static_cast<size_t>(2 * (i * 3 + 1)));
  }
}

TEST_P(CloseAllTest, ALogWithAnAppendInFlightIsRefusedInItsPlaceAndTheOthersClose) {
  std::vector<std::unique_ptr<PartitionLog>> logs;
  for (int i = 0; i < 3; ++i) {
    logs.push_back(open(i));
    ASSERT_TRUE(logs.back());
    ASSERT_TRUE(fx.append(*logs.back(), make_batch({.records = 2})));
    ASSERT_TRUE(fx.flush(*logs.back()).is_ok());
  }
  // The middle one takes an append that has not been written yet: it is not idle.
  auto batch = std::make_shared<std::vector<std::byte>>(make_batch({.records = 1}));
  bool appended = false;
  logs[1]->append(*batch, [&appended, batch](const Result<AppendResult>&) { appended = true; });
  std::vector<PartitionLog*> raw = {logs[0].get(), logs[1].get(), logs[2].get()};
  std::vector<Status> closed = PartitionLog::close_all(raw, 3);
  ASSERT_EQ(closed.size(), 3u);
  EXPECT_TRUE(closed[0].is_ok());
  EXPECT_TRUE(closed[1].is_unavailable()) << closed[1].to_string();
  EXPECT_TRUE(closed[2].is_ok());
  EXPECT_TRUE(testing::run_until(fx.ctx(), [&] { return appended; }));
}

// Not the in-memory backend: it is single-threaded by design.
INSTANTIATE_TEST_SUITE_P(Backends, CloseAllTest, ::testing::Values("uring", "posix"),
                         testing::backend_name);

}  // namespace
}  // namespace cairn::storage
