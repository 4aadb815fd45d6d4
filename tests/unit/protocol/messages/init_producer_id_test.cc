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

TEST(InitProducerIdMessages, VersionOneRoundTripsAndRefusesEveryTruncation) {
  InitProducerIdRequest r{"tx", 1000};
  r.producer_id = 5;
  r.producer_epoch = 6;
  std::vector<std::byte> bytes;
  Encoder e(bytes);
  r.encode(e, 1);
  auto back = InitProducerIdRequest::decode(Bytes(bytes), 1);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->producer_id, 5);
  EXPECT_EQ(back->producer_epoch, 6);
  for (size_t n = 0; n < bytes.size(); ++n) {
    EXPECT_FALSE(InitProducerIdRequest::decode(Bytes(bytes).first(n), 1)) << n;
  }
  // A version 1 body read as version 0 has bytes left over.
  EXPECT_FALSE(InitProducerIdRequest::decode(Bytes(bytes), 0));
}

}  // namespace
}  // namespace cairn::protocol
