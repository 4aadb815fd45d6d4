// Request headers v0-v2 and response headers v0-v1, byte for byte, and the rules that pick
// their versions.
#include <gtest/gtest.h>

#include "protocol/kafka/apis.h"
#include "protocol/kafka/header.h"
#include "tests/unit/protocol/kafka/hex.h"

namespace cairn::protocol::kafka {
namespace {

using test::hex;

std::vector<std::byte> write_request(const RequestHeader& h, int version) {
  std::vector<std::byte> out;
  Writer w(out);
  write_request_header(w, h, version);
  return out;
}

TEST(KafkaHeader, RequestHeadersV0V1AndV2AreLaidOutAsKafkaSpecifies) {
  RequestHeader h{3, 1, 7, "cli"};
  EXPECT_EQ(write_request(h, 0), hex("00 03  00 01  00 00 00 07"));
  EXPECT_EQ(write_request(h, 1), hex("00 03  00 01  00 00 00 07  00 03 'cli'"));
  EXPECT_EQ(write_request(h, 2), hex("00 03  00 01  00 00 00 07  00 03 'cli'  00"));
  h.client_id.reset();
  EXPECT_EQ(write_request(h, 1), hex("00 03  00 01  00 00 00 07  ff ff"));
  for (int version : {0, 1, 2}) {
    auto bytes = write_request(RequestHeader{3, 1, 7, version == 0 ? std::nullopt
                                                                   : std::optional("cli")},
                               version);
    Reader r(bytes);
    RequestHeader back = read_request_header(r, version);
    EXPECT_TRUE(r.finish("header").is_ok()) << version;
    EXPECT_EQ(back.correlation_id, 7) << version;
    EXPECT_EQ(back.client_id, version == 0 ? std::nullopt : std::optional<std::string>("cli"));
  }
}

TEST(KafkaHeader, ResponseHeaderV0IsTheCorrelationIdAndV1AddsTaggedFields) {
  std::vector<std::byte> v0, v1;
  Writer w0(v0), w1(v1);
  write_response_header(w0, 7, 0);
  write_response_header(w1, 7, 1);
  EXPECT_EQ(v0, hex("00 00 00 07"));
  EXPECT_EQ(v1, hex("00 00 00 07 00"));
  auto body = hex("00 00 00 07  01 05 02 aa bb  ee");  // one unknown tag, skipped
  auto decoded = decode_response_header(body, 1);
  ASSERT_TRUE(decoded) << decoded.error().to_string();
  EXPECT_EQ(decoded->correlation_id, 7);
  EXPECT_EQ(decoded->body_offset, 9u);
}

TEST(KafkaHeader, FlexibleRequestsUseHeaderV2AndFlexibleResponsesV1ExceptApiVersions) {
  EXPECT_EQ(request_header_version(kMetadataApi, 8), 1);
  EXPECT_EQ(request_header_version(kMetadataApi, 9), 2);
  EXPECT_EQ(response_header_version(kMetadataApi, 8), 0);
  EXPECT_EQ(response_header_version(kMetadataApi, 9), 1);
  EXPECT_EQ(request_header_version(kApiVersionsApi, 3), 2);
  EXPECT_EQ(response_header_version(kApiVersionsApi, 3), 0);
  EXPECT_EQ(response_header_version(kApiVersionsApi, 4), 0);
  EXPECT_EQ(request_header_version(kSaslHandshakeApi, 1), 1);  // never flexible
  EXPECT_EQ(request_header_version(kDescribeClusterApi, 0), 2);  // flexible from 0
}

// librdkafka 2.x opens every connection with ApiVersions v3: header v2 with its client id, then
// its name and version as compact strings; 36 bytes after the frame size.
TEST(KafkaHeader, LibrdkafkasFirstApiVersionsV3RequestDecodes) {
  auto frame = hex("00 12  00 03  00 00 00 01  00 07 'rdkafka'  00"
                   "  0b 'librdkafka'  06 '2.0.2'  00");
  ASSERT_EQ(frame.size(), 36u);
  auto header = decode_request_header(frame);
  ASSERT_TRUE(header) << header.error().to_string();
  EXPECT_EQ(header->api, &kApiVersionsApi);
  EXPECT_EQ(header->header_version, 2);
  EXPECT_EQ(header->header.correlation_id, 1);
  EXPECT_EQ(header->header.client_id, "rdkafka");
  EXPECT_EQ(header->body_offset, 18u);
  auto body = decode<ApiVersionsRequest>(Bytes(frame).subspan(header->body_offset), 3);
  ASSERT_TRUE(body) << body.error().to_string();
  EXPECT_EQ(body->client_software_name, "librdkafka");
  EXPECT_EQ(body->client_software_version, "2.0.2");

  ApiVersionsRequest again{"librdkafka", "2.0.2"};
  std::vector<std::byte> out;
  Writer w(out);
  ASSERT_TRUE(encode_request_frame(again, RequestHeader{18, 3, 1, "rdkafka"}, w).is_ok());
  EXPECT_EQ(out, test::concat(hex("00 00 00 24"), frame));
}

TEST(KafkaHeader, ANewerApiVersionsRequestStillHasItsHeaderReadSoItCanBeRefused) {
  // Version 9 is past what the codec speaks; its header is v2 by the flexible rule (KIP-511).
  auto frame = hex("00 12  00 09  00 00 00 05  00 01 'c'  00  ee ee");
  auto header = decode_request_header(frame);
  ASSERT_TRUE(header) << header.error().to_string();
  EXPECT_EQ(header->header.api_version, 9);
  EXPECT_EQ(header->body_offset, 12u);
  EXPECT_FALSE(kApiVersionsApi.valid.has(9));
}

TEST(KafkaHeader, AnUnknownApiKeyOrATruncatedHeaderIsAnError) {
  auto unknown = decode_request_header(hex("03 e7  00 00  00 00 00 01  ff ff"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), Status::Code::kNotFound);
  auto frame = hex("00 03  00 01  00 00 00 07  00 03 'cli'");
  for (size_t n = 0; n < frame.size(); ++n) {
    EXPECT_FALSE(decode_request_header(Bytes(frame).first(n))) << n;
  }
}

TEST(KafkaHeader, EveryApiHasOneEntryAndItsMessagesAgreeWithIt) {
  std::vector<const ApiSpec*> visited;
  for_each_api([&](auto api) { visited.push_back(&decltype(api)::kApi); });
  ASSERT_EQ(visited.size(), kApis.size());
  for (size_t i = 0; i < kApis.size(); ++i) {
    EXPECT_EQ(visited[i], kApis[i]) << kApis[i]->name;
    EXPECT_EQ(find_api(static_cast<int16_t>(kApis[i]->key)), kApis[i]);
    EXPECT_LE(kApis[i]->advertised_min, kApis[i]->valid.lo) << kApis[i]->name;
    EXPECT_LE(kApis[i]->valid.lo, kApis[i]->valid.hi) << kApis[i]->name;
  }
  EXPECT_EQ(find_api(4), nullptr);  // LeaderAndIsr, gone with ZooKeeper
  EXPECT_TRUE(visit_api(1, [](auto api) {
    EXPECT_EQ(decltype(api)::kApi.name, "Fetch");
  }));
  EXPECT_FALSE(visit_api(999, [](auto) {}));
}

}  // namespace
}  // namespace cairn::protocol::kafka
