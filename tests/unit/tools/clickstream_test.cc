#include "tools/cairn/perf/clickstream.h"

#include <gtest/gtest.h>

namespace cairn::tools::perf {
namespace {

TEST(Clickstream, EventsAreJsonObjectsOf200To500Bytes) {
  ClickstreamGenerator gen(7);
  for (const std::string& event : gen.pool(5000)) {
    EXPECT_GE(event.size(), 200u);
    EXPECT_LE(event.size(), 500u);
    EXPECT_EQ(event.front(), '{');
    EXPECT_EQ(event.back(), '}');
    EXPECT_NE(event.find(R"("type":")"), std::string::npos);
  }
}

TEST(Clickstream, TheSameSeedGivesTheSameEvents) {
  ClickstreamGenerator a(42), b(42), c(43);
  auto first = a.pool(10);
  EXPECT_EQ(first, b.pool(10));
  EXPECT_NE(first, c.pool(10));
}

}  // namespace
}  // namespace cairn::tools::perf
