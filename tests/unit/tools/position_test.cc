#include "tools/cairn/position.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

constexpr int64_t kNow = 1795783821000;  // 2026-11-27T12:50:21Z
using Kind = StartPosition::Kind;

StartPosition parse(std::string_view text) {
  auto p = parse_start_position(text, kNow);
  EXPECT_TRUE(p) << text << ": " << p.error().message();
  return p ? *p : StartPosition{};
}

TEST(Position, KcatAndRpkNamesForTheEnds) {
  for (auto text : {"beginning", "earliest", "start"}) EXPECT_EQ(parse(text).kind, Kind::kEarliest) << text;
  for (auto text : {"end", "latest"}) EXPECT_EQ(parse(text).kind, Kind::kLatest) << text;
}

TEST(Position, AnOffsetOrTheLastNOfEachPartition) {
  EXPECT_EQ(parse("47").kind, Kind::kOffset);
  EXPECT_EQ(parse("47").value, 47);
  EXPECT_EQ(parse("-10").kind, Kind::kLastN);
  EXPECT_EQ(parse("-10").value, 10);
  EXPECT_FALSE(parse_start_position("-0", kNow));
  EXPECT_FALSE(parse_start_position("soon", kNow));
  EXPECT_FALSE(parse_start_position("", kNow));
}

TEST(Position, ATimeInMillisecondsIso8601OrBeforeNow) {
  EXPECT_EQ(parse("@1795783821000").value, 1795783821000);
  EXPECT_EQ(parse("s@1795783821000").value, 1795783821000);
  EXPECT_EQ(parse("@2026-11-27T12:50:21Z").value, kNow);
  EXPECT_EQ(parse("@2026-11-27T12:50:21.5Z").value, kNow + 500);
  EXPECT_EQ(parse("@2026-11-27T13:50:21+01:00").value, kNow);
  EXPECT_EQ(parse("@2026-11-27 12:50:21").value, kNow);  // no zone: UTC
  EXPECT_EQ(parse("@2026-11-27").value, kNow - (12 * 3600 + 50 * 60 + 21) * 1000);
  EXPECT_EQ(parse("@-1h").value, kNow - 3'600'000);
  EXPECT_EQ(parse("@-90s").value, kNow - 90'000);
  EXPECT_EQ(parse("@-2d").value, kNow - 2 * 86'400'000);
  EXPECT_EQ(parse("@1970-01-01T00:00:00Z").value, 0);
  EXPECT_EQ(parse("@2000-02-29T00:00:00Z").value, 951782400000);
}

TEST(Position, ABadTimeSaysWhatATimeLooksLike) {
  for (auto text : {"@", "@yesterday", "@2026-13-01", "@2026-11-27T25:00Z", "@-1y", "@2026-11-27Tx"}) {
    auto p = parse_start_position(text, kNow);
    ASSERT_FALSE(p) << text;
    EXPECT_NE(p.error().message().find("ISO 8601"), std::string::npos) << p.error().message();
  }
}

TEST(Position, StartOffsetsStayInsideThePartition) {
  EXPECT_EQ(start_offset({Kind::kEarliest, 0}, 5, 50, std::nullopt), 5);
  EXPECT_EQ(start_offset({Kind::kLatest, 0}, 5, 50, std::nullopt), 50);
  EXPECT_EQ(start_offset({Kind::kOffset, 500}, 5, 50, std::nullopt), 50);
  EXPECT_EQ(start_offset({Kind::kOffset, 1}, 5, 50, std::nullopt), 5);
  EXPECT_EQ(start_offset({Kind::kLastN, 10}, 5, 50, std::nullopt), 40);
  EXPECT_EQ(start_offset({Kind::kLastN, 100}, 5, 50, std::nullopt), 5);
  EXPECT_EQ(start_offset({Kind::kTimestamp, kNow}, 5, 50, 17), 17);
  EXPECT_EQ(start_offset({Kind::kTimestamp, kNow}, 5, 50, std::nullopt), 50);
}

}  // namespace
}  // namespace cairn::tools
