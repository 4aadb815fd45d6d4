// The bodies of protocol/messages/topic_config.h: each round trips field for field, and its
// decoder refuses every truncation and a trailing byte.
#include "protocol/messages/topic_config.h"

#include <gtest/gtest.h>

#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::round_trip;

TEST(TopicConfigMessages, RoundTripAndRefuseEveryTruncation) {
  auto req = round_trip(TopicConfigRequest{"orders", {{"cleanup.policy", "compact"},
                                                      {"compression", "zstd"}}});
  EXPECT_EQ(req.topic, "orders");
  EXPECT_EQ(req.changes, (std::vector<ConfigEntry>{{"cleanup.policy", "compact"},
                                                   {"compression", "zstd"}}));

  TopicConfigResponse r;
  r.settings = {{"partitions", "2"}, {"min.cleanable.dirty.ratio", "0.5"}};
  r.partitions = {{0, 250000, 1234}, {1, 0, 0}};
  auto resp = round_trip(r);
  EXPECT_EQ(resp.settings, r.settings);
  EXPECT_EQ(resp.partitions, r.partitions);
}

}  // namespace
}  // namespace cairn::protocol
