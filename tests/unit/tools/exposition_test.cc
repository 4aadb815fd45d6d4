#include "tools/cairn/exposition.h"

#include <gtest/gtest.h>

#include <cmath>

namespace cairn::tools {
namespace {

TEST(ExpositionTest, SamplesWithLabelsAreReadAndCommentsSkipped) {
  auto samples = parse_exposition(
      "# HELP cairn_records_in_total Records.\n"
      "# TYPE cairn_records_in_total counter\n"
      "cairn_records_in_total{topic=\"orders\"} 1500\n"
      "\n"
      "cairn_connections 12\n"
      "cairn_group_lag_records{group=\"g\",topic=\"t\",partition=\"0\",} 7 1764259200000\n");
  ASSERT_TRUE(samples) << samples.error().message();
  ASSERT_EQ(samples->size(), 3u);
  EXPECT_EQ((*samples)[0].name, "cairn_records_in_total");
  EXPECT_EQ((*samples)[0].label("topic"), "orders");
  EXPECT_EQ((*samples)[0].value, 1500);
  EXPECT_TRUE((*samples)[1].labels.empty());
  EXPECT_EQ((*samples)[2].labels.size(), 3u);
  EXPECT_EQ((*samples)[2].label("partition"), "0");
  EXPECT_EQ((*samples)[2].label("missing"), std::nullopt);
}

TEST(ExpositionTest, LabelValuesAreUnescaped) {
  auto samples = parse_exposition("m{topic=\"a\\\\b\\\"c\\nd\"} 1\n");
  ASSERT_TRUE(samples) << samples.error().message();
  EXPECT_EQ((*samples)[0].label("topic"), "a\\b\"c\nd");
}

TEST(ExpositionTest, SpecialAndScientificValuesAreRead) {
  auto samples = parse_exposition(
      "a_bucket{le=\"+Inf\"} 3\nb +Inf\nc -Inf\nd NaN\ne 5e-05\nf -2.5\ng +7\n");
  ASSERT_TRUE(samples) << samples.error().message();
  EXPECT_EQ((*samples)[0].label("le"), "+Inf");
  EXPECT_TRUE(std::isinf((*samples)[1].value) && (*samples)[1].value > 0);
  EXPECT_TRUE(std::isinf((*samples)[2].value) && (*samples)[2].value < 0);
  EXPECT_TRUE(std::isnan((*samples)[3].value));
  EXPECT_DOUBLE_EQ((*samples)[4].value, 5e-05);
  EXPECT_EQ((*samples)[5].value, -2.5);
  EXPECT_EQ((*samples)[6].value, 7);
}

TEST(ExpositionTest, AMalformedLineIsAnErrorNamingItsLine) {
  for (const char* bad : {"m{topic=\"x} 1\n", "m{topic=x} 1\n", "m 1 2 3\n", "m{a=\"1\" b=\"2\"} 1\n",
                          "m one\n", "{a=\"1\"} 1\n", "m{a=\"\\q\"} 1\n", "m inf\n", "m\n"}) {
    auto samples = parse_exposition(std::string("ok 1\n") + bad);
    ASSERT_FALSE(samples) << bad;
    EXPECT_NE(samples.error().message().find("line 2"), std::string::npos) << samples.error().message();
  }
}

TEST(ExpositionTest, CrlfLineEndsAreAccepted) {
  auto samples = parse_exposition("a 1\r\nb 2\r\n");
  ASSERT_TRUE(samples);
  EXPECT_EQ(samples->size(), 2u);
}

}  // namespace
}  // namespace cairn::tools
