#include "broker/metrics/text_format.h"

#include <gtest/gtest.h>

#include <limits>

#include "broker/metrics/catalogue.h"

namespace cairn::broker::metrics {
namespace {

constexpr Label kTopicLabel[] = {Label::kTopic};
constexpr double kBuckets[] = {0.1, 1, 2.5};
constexpr Descriptor kTestCounter{"cairn_test_things_total", MetricType::kCounter,
                                  "Things.", "", kTopicLabel, {}};
constexpr Descriptor kTestHistogram{"cairn_test_wait_seconds", MetricType::kHistogram,
                                    "Waits.", "seconds", kTopicLabel, kBuckets};
constexpr Descriptor kTestGauge{"cairn_test_level", MetricType::kGauge,
                                "A level\nwith a backslash \\ and \"quotes\".", "", {}, {}};

std::string text_of(Registry& registry) { return to_text(registry); }

TEST(TextFormatTest, ACounterHasHelpTypeAndOneLinePerSeries) {
  Registry registry({.shard_count = 2});
  registry.counter(kTestCounter, {"orders"}).inc(0, 3);
  registry.counter(kTestCounter, {"orders"}).inc(1, 4);
  registry.counter(kTestCounter, {"a"}).inc(1, 1);
  std::string text = text_of(registry);
  EXPECT_NE(text.find("# HELP cairn_test_things_total Things.\n"
                      "# TYPE cairn_test_things_total counter\n"
                      "cairn_test_things_total{topic=\"a\"} 1\n"
                      "cairn_test_things_total{topic=\"orders\"} 7\n"),
            std::string::npos)
      << text;
}

TEST(TextFormatTest, AHistogramHasCumulativeBucketsEndingInfThenSumAndCount) {
  Registry registry({.shard_count = 2});
  Histogram h = registry.histogram(kTestHistogram, {"orders"});
  h.observe(0, 0.05);
  h.observe(1, 0.5);
  h.observe(1, 0.75);
  h.observe(0, 7);
  std::string text = text_of(registry);
  EXPECT_NE(text.find("# HELP cairn_test_wait_seconds Waits.\n"
                      "# TYPE cairn_test_wait_seconds histogram\n"
                      "cairn_test_wait_seconds_bucket{topic=\"orders\",le=\"0.1\"} 1\n"
                      "cairn_test_wait_seconds_bucket{topic=\"orders\",le=\"1\"} 3\n"
                      "cairn_test_wait_seconds_bucket{topic=\"orders\",le=\"2.5\"} 3\n"
                      "cairn_test_wait_seconds_bucket{topic=\"orders\",le=\"+Inf\"} 4\n"
                      "cairn_test_wait_seconds_sum{topic=\"orders\"} 8.3\n"
                      "cairn_test_wait_seconds_count{topic=\"orders\"} 4\n"),
            std::string::npos)
      << text;
}

TEST(TextFormatTest, HelpEscapesBackslashAndNewlineButNotQuotes) {
  Registry registry({.shard_count = 1});
  registry.gauge(kTestGauge).set(0, 2.5);
  std::string text = text_of(registry);
  EXPECT_NE(text.find("# HELP cairn_test_level A level\\nwith a backslash \\\\ and \"quotes\".\n"
                      "# TYPE cairn_test_level gauge\n"
                      "cairn_test_level 2.5\n"),
            std::string::npos)
      << text;
}

TEST(TextFormatTest, LabelValuesEscapeBackslashQuoteAndNewline) {
  Registry registry({.shard_count = 1});
  registry.counter(kTestCounter, {"a\\b\"c\nd"}).inc(0);
  std::string text = text_of(registry);
  EXPECT_NE(text.find("cairn_test_things_total{topic=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos)
      << text;
}

TEST(TextFormatTest, SeveralLabelsAreWrittenInTheDescriptorsOrder) {
  Registry registry({.shard_count = 1});
  registry.gauge(catalogue::kGroupCommittedOffset, {"billing", "orders", "2"}).set(0, 17);
  std::string text = text_of(registry);
  EXPECT_NE(text.find("cairn_group_committed_offset{group=\"billing\",topic=\"orders\","
                      "partition=\"2\"} 17\n"),
            std::string::npos)
      << text;
}

TEST(TextFormatTest, SpecialValuesAreSpelledAsTheFormatSays) {
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(0.00005), "5e-05");
  EXPECT_EQ(format_value(1234567890123.0), "1234567890123");
}

TEST(TextFormatTest, CountersKeepEveryDigitOfLargeValues) {
  Registry registry({.shard_count = 1});
  registry.counter(kTestCounter, {"t"}).inc(0, (uint64_t{1} << 60) + 1);
  EXPECT_NE(text_of(registry).find("{topic=\"t\"} 1152921504606846977\n"), std::string::npos);
}

TEST(TextFormatTest, AnEmptyRegistryExportsOnlyItsOwnMetric) {
  Registry registry({.shard_count = 1});
  EXPECT_EQ(text_of(registry),
            "# HELP cairn_metrics_series_dropped_total Series not exported because their metric "
            "had reached its series limit.\n"
            "# TYPE cairn_metrics_series_dropped_total counter\n"
            "cairn_metrics_series_dropped_total 0\n");
}

}  // namespace
}  // namespace cairn::broker::metrics
