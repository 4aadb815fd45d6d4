// The API table (protocol/api.h), generated from the one list of protocol/apis.h, against
// PROTOCOL.md's "APIs" table: keys, names and versions.
#include "protocol/api.h"

#include <gtest/gtest.h>

#include "protocol/apis.h"
#include "protocol/messages/produce.h"

namespace cairn::protocol {
namespace {

TEST(ApiTable, ListsTheApisOfTheSpecInKeyOrder) {
  const std::vector<std::string_view> spec = {"ApiVersions",
                                              "Metadata",
                                              "CreateTopics",
                                              "DeleteTopics",
                                              "Produce",
                                              "Fetch",
                                              "ListOffsets",
                                              "FindCoordinator",
                                              "JoinGroup",
                                              "SyncGroup",
                                              "Heartbeat",
                                              "LeaveGroup",
                                              "OffsetCommit",
                                              "OffsetFetch",
                                              "ListGroups",
                                              "DescribeGroups",
                                              "InitProducerId",
                                              "DeleteGroups",
                                              "TopicConfig",
                                              "SaslHandshake",
                                              "SaslAuthenticate",
                                              "CreateAcls",
                                              "DescribeAcls",
                                              "DeleteAcls",
                                              "AlterUserScramCredentials",
                                              "DescribeUserScramCredentials",
                                              "Promote",
                                              "OffsetForLeaderEpoch",
                                              "AddPartitionsToTxn",
                                              "AddOffsetsToTxn",
                                              "TxnOffsetCommit",
                                              "EndTxn",
                                              "DescribeTransactions"};
  auto apis = supported_apis();
  ASSERT_EQ(apis.size(), spec.size());
  for (size_t i = 0; i < apis.size(); ++i) {
    auto key = static_cast<uint16_t>(i);
    EXPECT_EQ(apis[key].api_key, key);
    EXPECT_EQ(api_name(key), spec[key]);
    EXPECT_EQ(find_api(key), &apis[key]);
  }
}

TEST(ApiTable,
     FetchAndMetadataAreAtVersionsZeroToTwoApiVersionsAndInitProducerIdToOneEveryOtherAtZero) {
  for (const auto& api : supported_apis()) {
    EXPECT_EQ(api.min_version, 0);
    bool one = api.api_key == static_cast<uint16_t>(ApiKey::kApiVersions) ||
               api.api_key == static_cast<uint16_t>(ApiKey::kInitProducerId);
    bool two = api.api_key == static_cast<uint16_t>(ApiKey::kFetch) ||
               api.api_key == static_cast<uint16_t>(ApiKey::kMetadata);
    int expected = two ? 2 : one ? 1 : 0;
    EXPECT_EQ(api.max_version, expected) << api_name(api.api_key);
  }
}

TEST(ApiTable, AnUnknownKeyHasNoEntryAndNoName) {
  EXPECT_EQ(find_api(kApiCount), nullptr);
  EXPECT_EQ(find_api(0xffff), nullptr);
  EXPECT_EQ(api_name(kApiCount), "unknown");
}

TEST(ApiTable, VisitingAnApiByKeyFindsItsBodies) {
  bool produce = false;
  EXPECT_TRUE(visit_api(4, [&](auto api) {
    produce = std::is_same_v<typename decltype(api)::Request, ProduceRequest>;
  }));
  EXPECT_TRUE(produce);
  EXPECT_FALSE(visit_api(static_cast<uint16_t>(kApiCount),
                         [](auto) { ADD_FAILURE() << "visited an API that does not exist"; }));
}

TEST(ProduceAcks, ArePeekedFromTheBodysFirstFieldWithoutDecodingTheRest) {
  std::vector<std::byte> body(2);
  store_le<int16_t>(body.data(), 0);
  body.push_back(std::byte{0xff});  // what follows need not decode
  EXPECT_EQ(peek_produce_acks(body), 0);
  store_le<int16_t>(body.data(), -1);
  EXPECT_EQ(peek_produce_acks(body), -1);
  EXPECT_EQ(peek_produce_acks(Bytes(body).first(1)), std::nullopt);
}

}  // namespace
}  // namespace cairn::protocol
