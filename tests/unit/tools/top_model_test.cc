#include "tools/cairn/top_model.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace cairn::tools {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Scrape scrape_of(double seconds, const std::string& text) {
  auto samples = parse_exposition(text);
  EXPECT_TRUE(samples) << samples.error().message();
  return Scrape{seconds, samples ? *samples : std::vector<Sample>{}};
}

TEST(BucketQuantileTest, InterpolatesLinearlyInsideTheBucketHoldingTheRank) {
  std::vector<std::pair<double, double>> buckets = {{0.001, 0}, {0.002, 50}, {0.004, 100}, {kInf, 100}};
  EXPECT_DOUBLE_EQ(*bucket_quantile(0.5, buckets), 0.002);
  EXPECT_DOUBLE_EQ(*bucket_quantile(0.25, buckets), 0.0015);
  EXPECT_DOUBLE_EQ(*bucket_quantile(0.99, buckets), 0.002 + 0.002 * 49.0 / 50.0);
}

TEST(BucketQuantileTest, TheFirstBucketStartsAtZero) {
  std::vector<std::pair<double, double>> buckets = {{0.01, 10}, {kInf, 10}};
  EXPECT_DOUBLE_EQ(*bucket_quantile(0.5, buckets), 0.005);
}

TEST(BucketQuantileTest, ARankInTheInfBucketIsTheHighestFiniteBound) {
  std::vector<std::pair<double, double>> buckets = {{0.1, 1}, {1, 2}, {kInf, 10}};
  EXPECT_DOUBLE_EQ(*bucket_quantile(0.99, buckets), 1);
}

TEST(BucketQuantileTest, EmptyBucketsHaveNoQuantile) {
  std::vector<std::pair<double, double>> none = {{0.1, 0}, {kInf, 0}};
  EXPECT_EQ(bucket_quantile(0.5, none), std::nullopt);
  EXPECT_EQ(bucket_quantile(0.5, {}), std::nullopt);
}

TEST(CounterIncreaseTest, AResetCounterCountsFromZero) {
  EXPECT_EQ(counter_increase(100, 250), 150);
  EXPECT_EQ(counter_increase(1000, 40), 40);
}

const char* kFirst =
    "cairn_records_in_total{topic=\"orders\"} 1000\n"
    "cairn_records_out_total{topic=\"orders\"} 400\n"
    "cairn_produced_bytes_total{topic=\"orders\"} 100000\n"
    "cairn_fetched_bytes_total{topic=\"orders\"} 40000\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"0\"} 100\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"1\"} 50\n"
    "cairn_requests_total{api=\"produce\"} 100\n"
    "cairn_request_errors_total{api=\"produce\"} 0\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.001\"} 50\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.01\"} 100\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"+Inf\"} 100\n";

const char* kSecond =
    "cairn_records_in_total{topic=\"orders\"} 3000\n"
    "cairn_records_out_total{topic=\"orders\"} 1400\n"
    "cairn_produced_bytes_total{topic=\"orders\"} 300000\n"
    "cairn_fetched_bytes_total{topic=\"orders\"} 140000\n"
    "cairn_records_in_total{topic=\"new\"} 10\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"0\"} 120\n"
    "cairn_group_lag_records{group=\"billing\",topic=\"orders\",partition=\"1\"} 70\n"
    "cairn_group_lag_seconds{group=\"billing\",topic=\"orders\",partition=\"0\"} 0.5\n"
    "cairn_group_lag_seconds{group=\"billing\",topic=\"orders\",partition=\"1\"} 2.5\n"
    "cairn_requests_total{api=\"produce\"} 300\n"
    "cairn_request_errors_total{api=\"produce\"} 4\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.001\"} 50\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"0.01\"} 250\n"
    "cairn_request_duration_seconds_bucket{api=\"produce\",le=\"+Inf\"} 300\n"
    "cairn_replication_lag_records{follower=\"f1\",topic=\"orders\",partition=\"0\"} 3\n"
    "cairn_replication_lag_records{follower=\"f1\",topic=\"orders\",partition=\"1\"} 4\n"
    "cairn_replication_lag_seconds{follower=\"f1\"} 0.25\n"
    "cairn_connections 5\n"
    "cairn_partition_offline{topic=\"orders\",partition=\"0\"} 0\n"
    "cairn_partition_offline{topic=\"orders\",partition=\"1\"} 1\n";

TEST(TopFrameTest, TopicRatesAreTheIncreaseOverTheInterval) {
  Scrape a = scrape_of(10, kFirst);
  Scrape b = scrape_of(12, kSecond);
  Frame f = compute_frame(&a, b);
  ASSERT_EQ(f.topics.size(), 2u);
  EXPECT_EQ(f.topics[0].topic, "new");
  EXPECT_EQ(f.topics[0].records_in, 5);  // appeared during the interval: counted from zero
  EXPECT_EQ(f.topics[1].topic, "orders");
  EXPECT_EQ(f.topics[1].records_in, 1000);
  EXPECT_EQ(f.topics[1].records_out, 500);
  EXPECT_EQ(f.topics[1].bytes_in, 100000);
  EXPECT_EQ(f.topics[1].bytes_out, 50000);
}

TEST(TopFrameTest, GroupLagIsSummedAndItsTrendIsItsChangePerSecond) {
  Scrape a = scrape_of(10, kFirst);
  Scrape b = scrape_of(12, kSecond);
  Frame f = compute_frame(&a, b);
  ASSERT_EQ(f.groups.size(), 1u);
  EXPECT_EQ(f.groups[0].lag_records, 190);
  EXPECT_EQ(f.groups[0].trend, 20);
  EXPECT_EQ(f.groups[0].lag_seconds, 2.5);
}

TEST(TopFrameTest, LatencyPercentilesComeFromTheIntervalsBuckets) {
  Scrape a = scrape_of(10, kFirst);
  Scrape b = scrape_of(12, kSecond);
  Frame f = compute_frame(&a, b);
  ASSERT_EQ(f.apis.size(), 1u);
  EXPECT_EQ(f.apis[0].requests, 100);
  EXPECT_EQ(f.apis[0].errors, 2);
  // The interval's 200 requests: 0 at or under 1 ms, 150 under 10 ms, 50 above.
  EXPECT_DOUBLE_EQ(*f.apis[0].p50_seconds, 0.001 + 0.009 * 100.0 / 150.0);
  EXPECT_DOUBLE_EQ(*f.apis[0].p99_seconds, 0.01);
}

TEST(TopFrameTest, TheFirstScrapeHasNoRatesTrendsOrPercentiles) {
  Frame f = compute_frame(nullptr, scrape_of(10, kSecond));
  EXPECT_EQ(f.topics[1].records_in, 0);
  EXPECT_EQ(f.groups[0].trend, std::nullopt);
  EXPECT_EQ(f.apis[0].p50_seconds, std::nullopt);
}

TEST(TopFrameTest, ReplicationAndTheBrokerSummaryAreRead) {
  Frame f = compute_frame(nullptr, scrape_of(10, kSecond));
  ASSERT_EQ(f.followers.size(), 1u);
  EXPECT_EQ(f.followers[0].follower, "f1");
  EXPECT_EQ(f.followers[0].lag_records, 7);
  EXPECT_EQ(f.followers[0].lag_seconds, 0.25);
  EXPECT_EQ(f.broker.connections, 5);
  EXPECT_EQ(f.broker.partitions, 2);
  EXPECT_EQ(f.broker.offline_partitions, 1);
}

TEST(TopFrameTest, TheRenderedFrameFitsTheWidthAndNamesEverySection) {
  Scrape a = scrape_of(10, kFirst);
  Scrape b = scrape_of(12, kSecond);
  std::string text = render_frame(compute_frame(&a, b), "cairn top", 80);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    EXPECT_LE(end - start, 80u) << text.substr(start, end - start);
    start = end + 1;
  }
  for (const char* part : {"TOPIC", "orders", "1000.0", "GROUP", "billing", "+20.0", "API",
                           "produce", "REPLICATION", "f1", "(1 offline)"}) {
    EXPECT_NE(text.find(part), std::string::npos) << part << "\n" << text;
  }
}

}  // namespace
}  // namespace cairn::tools
