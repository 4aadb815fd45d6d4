// The Cairn front end's handler table: generated from the API list of protocol/apis.h, and the
// answers it gives before any handler runs (unknown APIs and versions, malformed bodies, a
// Produce that expects no answer).
#include "broker/cairn/handler_table.h"

#include <gtest/gtest.h>

#include "broker/services.h"
#include "protocol/byte_io.h"
#include "protocol/frame.h"

namespace cairn::broker {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

class HandlerTableTest : public ::testing::Test {
 protected:
  // Dispatches a request with `body` and runs it to its end; no shard is involved.
  HandlerResult dispatch_request(ApiKey key, int32_t version, std::vector<std::byte> body) {
    return dispatch_request(static_cast<int32_t>(key), version, std::move(body));
  }
  HandlerResult dispatch_request(int32_t key, int32_t version, std::vector<std::byte> body) {
    RequestHead head{key, version, 77, "client", 0};
    MemoryCharge charge(std::weak_ptr<MemoryBudget>{}, std::make_shared<uint64_t>(0));
    RequestContext ctx{ops, head, body, nullptr, "127.0.0.1", charge, 9292, false};
    asio::io_context io;
    std::optional<HandlerResult> out;
    asio::co_spawn(io, dispatch(ctx), [&](const std::exception_ptr& e, HandlerResult r) {
      if (e) std::rethrow_exception(e);
      out = std::move(r);
    });
    io.run();
    EXPECT_TRUE(out.has_value());
    return out ? std::move(*out) : std::nullopt;
  }

  // The response a frame carries (its body a view into the frame).
  static protocol::DecodedResponse response_of(const HandlerResult& result) {
    EXPECT_TRUE(result.has_value());
    EXPECT_FALSE(result->close_connection);
    auto frame = protocol::Bytes(result->bytes).subspan(protocol::frame::kLengthSize);
    auto decoded = protocol::decode_response(frame);
    EXPECT_TRUE(decoded) << decoded.error().to_string();
    EXPECT_EQ(decoded->correlation_id, 77u);
    return *decoded;
  }

  BrokerServices services{BrokerConfig{}};
  Operations ops{services};
};

TEST_F(HandlerTableTest, HasOneEntryPerApiOfTheProtocolListInKeyOrder) {
  auto table = handler_table();
  ASSERT_EQ(table.size(), protocol::kApiCount);
  ASSERT_EQ(table.size(), protocol::supported_apis().size());
  protocol::for_each_api([&](auto api) {
    using A = decltype(api);
    const HandlerEntry& e = table[static_cast<size_t>(A::kKey)];
    EXPECT_EQ(e.api_key, static_cast<uint16_t>(A::kKey));
    EXPECT_EQ(e.min_version, A::kVersions.min_version);
    EXPECT_EQ(e.max_version, A::kVersions.max_version);
    EXPECT_EQ(e.name, A::kName);
    EXPECT_EQ(e.name, protocol::api_name(e.api_key));
    EXPECT_NE(e.run, nullptr);
  });
}

TEST_F(HandlerTableTest, AnUnknownApiKeyIsAnsweredUnsupportedVersion) {
  auto result = dispatch_request(int32_t{99}, 0, {});
  auto r = response_of(result);
  EXPECT_EQ(r.error, ErrorCode::kUnsupportedVersion);
  EXPECT_NE(r.message.find("99"), std::string::npos) << r.message;
}

TEST_F(HandlerTableTest, AVersionOutsideAnApisRangeIsAnsweredUnsupportedVersion) {
  auto result = dispatch_request(ApiKey::kMetadata, 9, {});
  auto r = response_of(result);
  EXPECT_EQ(r.error, ErrorCode::kUnsupportedVersion);
  EXPECT_NE(r.message.find("Metadata v9"), std::string::npos) << r.message;
}

TEST_F(HandlerTableTest, ApiVersionsPastItsHighestVersionIsAnsweredInTheV0LayoutWhateverItsBody) {
  auto result =
      dispatch_request(ApiKey::kApiVersions, 9, std::vector<std::byte>(5, std::byte{0xee}));
  auto r = response_of(result);
  ASSERT_EQ(r.error, ErrorCode::kNone);
  auto v0 = protocol::ApiVersionsResponse::decode(r.body, 0);
  ASSERT_TRUE(v0) << v0.error().to_string();
  EXPECT_EQ(v0->apis.size(), protocol::kApiCount);
  EXPECT_EQ(v0->max_frame_bytes, BrokerConfig{}.limits.max_frame_bytes);
  EXPECT_FALSE(protocol::ApiVersionsResponse::decode(r.body, 1)) << "answered in the v1 layout";
}

TEST_F(HandlerTableTest, AMalformedBodyIsAnsweredInvalidRequest) {
  auto result = dispatch_request(ApiKey::kMetadata, 0, std::vector<std::byte>(1));
  auto r = response_of(result);
  EXPECT_EQ(r.error, ErrorCode::kInvalidRequest);
}

std::vector<std::byte> produce_body(int16_t acks, size_t junk) {
  std::vector<std::byte> body(2 + junk, std::byte{0xff});
  protocol::store_le<int16_t>(body.data(), acks);
  return body;
}

TEST_F(HandlerTableTest, AMalformedProduceWithAcksZeroClosesTheConnectionInsteadOfAnswering) {
  auto result = dispatch_request(ApiKey::kProduce, 0, produce_body(0, 3));
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->close_connection);
  EXPECT_TRUE(result->bytes.empty());
}

TEST_F(HandlerTableTest, AProduceWithAcksZeroAtAnUnsupportedVersionClosesTheConnection) {
  auto result = dispatch_request(ApiKey::kProduce, 3, produce_body(0, 0));
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->close_connection);
}

TEST_F(HandlerTableTest, AMalformedProduceWithAcksOneIsAnsweredInvalidRequest) {
  auto result = dispatch_request(ApiKey::kProduce, 0, produce_body(1, 3));
  auto r = response_of(result);
  EXPECT_EQ(r.error, ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace cairn::broker
