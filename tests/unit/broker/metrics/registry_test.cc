#include "broker/metrics/registry.h"

#include <gtest/gtest.h>

#include "broker/metrics/catalogue.h"

namespace cairn::broker::metrics {
namespace {

const FamilySnapshot* find_family(const std::vector<FamilySnapshot>& families,
                                  const Descriptor& d) {
  for (const auto& f : families) {
    if (f.descriptor == &d) return &f;
  }
  return nullptr;
}

TEST(RegistryTest, AskingTwiceForOneSeriesGivesHandlesOnTheSameValues) {
  Registry registry({.shard_count = 2});
  Counter a = registry.counter(catalogue::kRecordsIn, {"orders"});
  Counter b = registry.counter(catalogue::kRecordsIn, {"orders"});
  a.inc(0, 2);
  b.inc(1, 3);
  EXPECT_EQ(a.value(), 5u);
  EXPECT_EQ(b.value(), 5u);
  EXPECT_EQ(registry.counter(catalogue::kRecordsIn, {"payments"}).value(), 0u);
}

TEST(RegistryTest, ACollectSumsEveryShardOfEverySeries) {
  Registry registry({.shard_count = 2});
  registry.counter(catalogue::kRecordsIn, {"b"}).inc(1, 4);
  registry.counter(catalogue::kRecordsIn, {"a"}).inc(0, 1);
  registry.counter(catalogue::kRecordsIn, {"a"}).inc(1, 2);
  auto families = registry.collect();
  const FamilySnapshot* f = find_family(families, catalogue::kRecordsIn);
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(f->series.size(), 2u);
  EXPECT_EQ(f->series[0].label_values, LabelValues{"a"});
  EXPECT_EQ(f->series[0].counter, 3u);
  EXPECT_EQ(f->series[1].label_values, LabelValues{"b"});
  EXPECT_EQ(f->series[1].counter, 4u);
}

TEST(RegistryTest, ARemovedSeriesIsNoLongerExportedButItsHandleStaysUsable) {
  Registry registry({.shard_count = 1});
  Counter c = registry.counter(catalogue::kRecordsIn, {"orders"});
  registry.remove(catalogue::kRecordsIn, {"orders"});
  c.inc(0);
  EXPECT_EQ(c.value(), 1u);
  EXPECT_EQ(find_family(registry.collect(), catalogue::kRecordsIn), nullptr);
  // Registering it again starts a new series from zero.
  EXPECT_EQ(registry.counter(catalogue::kRecordsIn, {"orders"}).value(), 0u);
}

TEST(RegistryTest, RemovingATopicTakesOutItsSeriesInEveryMetric) {
  Registry registry({.shard_count = 1});
  registry.counter(catalogue::kRecordsIn, {"orders"}).inc(0);
  registry.counter(catalogue::kRecordsIn, {"payments"}).inc(0);
  registry.gauge(catalogue::kLogEndOffset, {"orders", "0"}).set(0, 1);
  registry.gauge(catalogue::kLogEndOffset, {"orders", "1"}).set(0, 1);
  registry.gauge(catalogue::kGroupCommittedOffset, {"billing", "orders", "0"}).set(0, 1);
  registry.counter(catalogue::kRequests, {"orders"}).inc(0);  // an api named like the topic

  EXPECT_EQ(registry.remove_all(Label::kTopic, "orders"), 4u);
  auto families = registry.collect();
  EXPECT_EQ(find_family(families, catalogue::kLogEndOffset), nullptr);
  EXPECT_EQ(find_family(families, catalogue::kGroupCommittedOffset), nullptr);
  ASSERT_NE(find_family(families, catalogue::kRecordsIn), nullptr);
  EXPECT_EQ(find_family(families, catalogue::kRecordsIn)->series.size(), 1u);
  EXPECT_NE(find_family(families, catalogue::kRequests), nullptr);
}

TEST(RegistryTest, AMetricPastItsSeriesLimitHandsOutInertHandlesAndCountsThem) {
  Registry registry({.shard_count = 1, .max_series_per_metric = 2});
  registry.counter(catalogue::kRecordsIn, {"a"}).inc(0);
  registry.counter(catalogue::kRecordsIn, {"b"}).inc(0);
  Counter third = registry.counter(catalogue::kRecordsIn, {"c"});
  third.inc(0);
  EXPECT_EQ(third.value(), 0u);
  auto families = registry.collect();
  EXPECT_EQ(find_family(families, catalogue::kRecordsIn)->series.size(), 2u);
  ASSERT_NE(find_family(families, catalogue::kSeriesDropped), nullptr);
  EXPECT_EQ(find_family(families, catalogue::kSeriesDropped)->series[0].counter, 1u);
  // A series that exists is still handed out.
  EXPECT_EQ(registry.counter(catalogue::kRecordsIn, {"a"}).value(), 1u);
}

TEST(RegistryTest, AMetricWithoutSeriesIsLeftOutOfACollect) {
  Registry registry({.shard_count = 1});
  auto families = registry.collect();
  EXPECT_EQ(find_family(families, catalogue::kRecordsIn), nullptr);
  EXPECT_NE(find_family(families, catalogue::kSeriesDropped), nullptr);
}

TEST(RegistryTest, GroupLagIsTheHighWatermarkMinusTheCommittedOffset) {
  Registry registry({.shard_count = 2});
  registry.gauge(catalogue::kHighWatermark, {"orders", "0"}).set(1, 1000);
  registry.gauge(catalogue::kHighWatermark, {"orders", "1"}).set(0, 50);
  registry.gauge(catalogue::kGroupCommittedOffset, {"billing", "orders", "0"}).set(0, 400);
  registry.gauge(catalogue::kGroupCommittedOffset, {"billing", "orders", "1"}).set(0, 50);
  // A commit on a partition this broker does not know has no lag to report.
  registry.gauge(catalogue::kGroupCommittedOffset, {"billing", "gone", "0"}).set(0, 5);
  registry.set_collector(catalogue::kGroupLagRecords, group_lag_collector());

  auto families = registry.collect();
  const FamilySnapshot* lag = find_family(families, catalogue::kGroupLagRecords);
  ASSERT_NE(lag, nullptr);
  ASSERT_EQ(lag->series.size(), 2u);
  EXPECT_EQ(lag->series[0].label_values, (LabelValues{"billing", "orders", "0"}));
  EXPECT_EQ(lag->series[0].gauge, 600);
  EXPECT_EQ(lag->series[1].gauge, 0);
}

TEST(RegistryTest, GroupLagIsNeverNegative) {
  Registry registry({.shard_count = 1});
  registry.gauge(catalogue::kHighWatermark, {"orders", "0"}).set(0, 10);
  registry.gauge(catalogue::kGroupCommittedOffset, {"g", "orders", "0"}).set(0, 12);
  registry.set_collector(catalogue::kGroupLagRecords, group_lag_collector());
  auto families = registry.collect();
  EXPECT_EQ(find_family(families, catalogue::kGroupLagRecords)->series[0].gauge, 0);
}

}  // namespace
}  // namespace cairn::broker::metrics
