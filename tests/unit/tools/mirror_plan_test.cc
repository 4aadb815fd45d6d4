#include "tools/cairn/mirror_plan.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

TopicSelector selector(const std::string& pattern) {
  std::string error;
  auto s = TopicSelector::parse(pattern, &error);
  EXPECT_TRUE(s.has_value()) << error;
  return std::move(*s);
}

TEST(TopicSelectorTest, TheRegexMustMatchTheWholeTopicName) {
  auto s = selector("orders");
  EXPECT_TRUE(s.selects("orders"));
  EXPECT_FALSE(s.selects("orders-eu"));
  EXPECT_FALSE(s.selects("old-orders"));
}

TEST(TopicSelectorTest, SelectsTheMatchingTopicsSorted) {
  auto s = selector("orders\\..*|audit");
  EXPECT_EQ(s.select({"payments", "orders.eu", "audit", "orders.us", "ordersXus"}),
            (std::vector<std::string>{"audit", "orders.eu", "orders.us"}));
}

TEST(TopicSelectorTest, InternalTopicsAreNeverSelectedEvenByAMatchAll) {
  auto s = selector(".*");
  EXPECT_FALSE(s.selects("__consumer_offsets"));
  EXPECT_FALSE(s.selects("__cairn_security"));
  EXPECT_TRUE(s.selects("_single_underscore"));
}

TEST(TopicSelectorTest, AnInvalidRegexIsRefusedWithAMessageNamingIt) {
  std::string error;
  EXPECT_FALSE(TopicSelector::parse("orders(", &error).has_value());
  EXPECT_NE(error.find("orders("), std::string::npos) << error;
}

TEST(PartitionMappingTest, AMissingDestinationTopicIsCreatedWithTheSourceCount) {
  auto m = map_partitions("t", 6, std::nullopt);
  EXPECT_EQ(m.kind, PartitionMapping::Kind::kCreate);
  EXPECT_EQ(m.partitions, 6);
  EXPECT_TRUE(m.message.empty());
}

TEST(PartitionMappingTest, EqualCountsMirrorEveryPartitionSilently) {
  auto m = map_partitions("t", 3, 3);
  EXPECT_EQ(m.kind, PartitionMapping::Kind::kSame);
  EXPECT_EQ(m.partitions, 3);
  EXPECT_TRUE(m.message.empty());
}

TEST(PartitionMappingTest, ADestinationWithMorePartitionsLeavesTheExtraOnesEmptyAndSaysSo) {
  auto m = map_partitions("t", 2, 5);
  EXPECT_EQ(m.kind, PartitionMapping::Kind::kExtraEmpty);
  EXPECT_EQ(m.partitions, 2);
  EXPECT_NE(m.message.find("partitions 2..4"), std::string::npos) << m.message;
}

TEST(PartitionMappingTest, ADestinationWithFewerPartitionsIsRefusedAndNotMirrored) {
  auto m = map_partitions("orders", 4, 2);
  EXPECT_EQ(m.kind, PartitionMapping::Kind::kRefused);
  EXPECT_EQ(m.partitions, 0);
  EXPECT_NE(m.message.find("'orders' has 4 partitions at the source but only 2"), std::string::npos)
      << m.message;
}

TEST(LagTest, LagIsTheEndMinusTheAcknowledgedOffset) {
  EXPECT_EQ(partition_lag({.log_start = 0, .end = 100, .acknowledged = 60}), 40);
  EXPECT_EQ(partition_lag({.log_start = 0, .end = 100, .acknowledged = 100}), 0);
}

TEST(LagTest, APartitionNotCopiedYetLagsFromItsLogStart) {
  EXPECT_EQ(partition_lag({.log_start = 30, .end = 100, .acknowledged = std::nullopt}), 70);
}

TEST(LagTest, AnAcknowledgedOffsetBelowTheLogStartCountsOnlyWhatIsLeft) {
  EXPECT_EQ(partition_lag({.log_start = 50, .end = 80, .acknowledged = 10}), 30);
}

TEST(LagTest, LagIsNeverNegative) {
  EXPECT_EQ(partition_lag({.log_start = 0, .end = 10, .acknowledged = 12}), 0);
}

TEST(LagTest, TheSummaryAddsLagsAndCountsPartitionsBehind) {
  auto s = summarize_lag({{0, 10, 10}, {0, 10, 4}, {5, 9, std::nullopt}});
  EXPECT_EQ(s.records, 10);
  EXPECT_EQ(s.partitions, 3);
  EXPECT_EQ(s.partitions_behind, 2);
}

TEST(LagTest, TheLagLineGivesTotalsRateAndLag) {
  MirrorStats stats{.copied = 1200, .copied_before = 1000, .seconds = 5,
                    .lag = {.records = 35, .partitions = 6, .partitions_behind = 2}, .topics = 2};
  EXPECT_EQ(format_lag_line(stats),
            "mirror: copied 1200 records (+200, 40/s), lag 35 records in 2 of 6 partitions, 2 topics");
}

}  // namespace
}  // namespace cairn::tools
