// The bodies of protocol/messages/init_producer_id.h: each round trips field for field, and its
// decoder refuses every truncation and a trailing byte.
#include "protocol/messages/init_producer_id.h"

#include <gtest/gtest.h>

#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::round_trip;

TEST(InitProducerIdMessages, RoundTripAndRefuseEveryTruncation) {
  auto req = round_trip(InitProducerIdRequest{"", 60000});
  EXPECT_EQ(req.transactional_id, "");
  EXPECT_EQ(req.transaction_timeout_ms, 60000);

  auto resp = round_trip(InitProducerIdResponse{ErrorCode::kNone, 0x0102030405060708, 7});
  EXPECT_EQ(resp.producer_id, 0x0102030405060708);
  EXPECT_EQ(resp.producer_epoch, 7);
}

}  // namespace
}  // namespace cairn::protocol
