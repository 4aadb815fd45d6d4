// The Kafka front end's decisions before any handler runs (which APIs and versions it serves,
// how it reads a frame's header), and the consumer protocol's bytes it reads and writes.
#include "broker/kafka/front_end.h"

#include <gtest/gtest.h>

#include "broker/kafka/consumer_protocol.h"
#include "broker/kafka/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/services.h"
#include "protocol/kafka/api.h"
#include "protocol/kafka/wire.h"
#include "protocol/kafka/writer.h"

namespace cairn::broker {
namespace {

namespace pk = protocol::kafka;

std::vector<std::byte> header_bytes(int16_t key, int16_t version) {
  std::vector<std::byte> out;
  pk::Writer w(out);
  w.write_int<int16_t>(key);
  w.write_int<int16_t>(version);
  w.write_int<int32_t>(42);
  w.write_int<int16_t>(-1);  // null client id
  if (const pk::ApiSpec* api = pk::find_api(key); api != nullptr && api->is_flexible(version)) {
    w.write_uvarint(0);  // no tagged fields
  }
  return out;
}

class KafkaFrontEndTest : public ::testing::Test {
 protected:
  BrokerServices services{BrokerConfig{}};
  Operations ops{services};
  KafkaFrontEnd front_end{ops, "127.0.0.1", 0};
};

TEST(KafkaServedApis, EveryServedVersionIsOneTheCodecDecodesButProducesAdvertisedOldOnes) {
  for (const kafka::ServedApi& served : kafka::served_apis()) {
    const pk::ApiSpec* api = pk::find_api(served.key);
    ASSERT_NE(api, nullptr) << served.key;
    EXPECT_LE(served.max_version, api->valid.hi) << api->name;
    EXPECT_LE(served.min_version, served.max_version) << api->name;
    if (api->key == pk::ApiKey::kProduce) {
      EXPECT_EQ(served.min_version, api->advertised_min);
    } else {
      EXPECT_GE(served.min_version, api->valid.lo) << api->name;
    }
  }
}

TEST_F(KafkaFrontEndTest, TheFrameLengthIsBigEndian) {
  std::array<std::byte, 4> prefix{std::byte{0}, std::byte{0}, std::byte{1}, std::byte{2}};
  EXPECT_EQ(front_end.frame_length(prefix), 258u);
}

TEST_F(KafkaFrontEndTest, AServedRequestsHeaderGivesItsKeyVersionCorrelationIdAndBodyOffset) {
  auto bytes = header_bytes(3, 12);  // Metadata v12, flexible: header v2
  auto head = front_end.decode_head(bytes);
  ASSERT_TRUE(head.has_value()) << head.error().to_string();
  EXPECT_EQ(head->api_key, 3);
  EXPECT_EQ(head->api_version, 12);
  EXPECT_EQ(head->correlation_id, 42u);
  EXPECT_EQ(head->body_offset, bytes.size());
  EXPECT_EQ(front_end.api_name(*head), "Metadata");
}

TEST_F(KafkaFrontEndTest, AnUnknownOrUnservedApiOrVersionIsRefusedSoTheConnectionCloses) {
  EXPECT_FALSE(front_end.decode_head(header_bytes(999, 0)).has_value());
  EXPECT_FALSE(front_end.decode_head(header_bytes(27, 1)).has_value());  // WriteTxnMarkers
  EXPECT_FALSE(front_end.decode_head(header_bytes(26, 5)).has_value());  // EndTxn v5: KIP-890 2
  EXPECT_FALSE(front_end.decode_head(header_bytes(1, 3)).has_value());   // Fetch v3
  EXPECT_FALSE(front_end.decode_head(header_bytes(1, 13)).has_value());  // Fetch v13: topic ids
}

TEST_F(KafkaFrontEndTest, ApiVersionsOfAnyVersionIsLetThroughToBeAnswered) {
  EXPECT_TRUE(front_end.decode_head(header_bytes(18, 99)).has_value());
}

TEST_F(KafkaFrontEndTest, AFailedRequestClosesTheConnectionSinceKafkaHasNoErrorOnlyAnswer) {
  RequestHead head{0, 9, 1, "", 0};
  EXPECT_TRUE(
      front_end.error_frame(head, protocol::ErrorCode::kResourceLimit, "x").close_connection);
}

std::vector<std::byte> subscription(int16_t version, const std::vector<std::string>& topics) {
  std::vector<std::byte> out;
  pk::Writer w(out);
  w.write_int<int16_t>(version);
  w.write_int<int32_t>(static_cast<int32_t>(topics.size()));
  for (const auto& t : topics) {
    w.write_int<int16_t>(static_cast<int16_t>(t.size()));
    w.write_bytes(protocol::as_bytes(t));
  }
  w.write_int<int32_t>(-1);                   // user data
  if (version >= 1) w.write_int<int32_t>(0);  // owned partitions
  return out;
}

TEST(KafkaConsumerProtocol, ASubscriptionOfAnyVersionGivesItsTopics) {
  for (int16_t version : {0, 1, 3}) {
    auto topics = kafka::subscription_topics(subscription(version, {"orders", "payments"}));
    ASSERT_TRUE(topics.has_value()) << topics.error().to_string();
    EXPECT_EQ(*topics, (std::vector<std::string>{"orders", "payments"}));
  }
}

TEST(KafkaConsumerProtocol, ATruncatedSubscriptionIsRefused) {
  auto bytes = subscription(0, {"orders"});
  for (size_t n = 0; n < 14; ++n) {
    EXPECT_FALSE(kafka::subscription_topics(protocol::Bytes(bytes).first(n)).has_value()) << n;
  }
  std::vector<std::byte> huge_count(6);
  pk::store_be<int32_t>(huge_count.data() + 2, 1'000'000'000);
  EXPECT_FALSE(kafka::subscription_topics(huge_count).has_value());
}

TEST(KafkaConsumerProtocol, AnAssignmentIsWrittenAsVersionZeroWithItsTopicsAndPartitions) {
  std::vector<std::byte> out;
  kafka::write_assignment({{"t", {0, 2}}}, out);
  std::vector<std::byte> expected;
  pk::Writer w(expected);
  w.write_int<int16_t>(0);
  w.write_int<int32_t>(1);
  w.write_int<int16_t>(1);
  w.write_bytes(protocol::as_bytes("t"));
  w.write_int<int32_t>(2);
  w.write_int<int32_t>(0);
  w.write_int<int32_t>(2);
  w.write_int<int32_t>(-1);
  EXPECT_EQ(out, expected);
}

TEST(KafkaErrorMapping, EveryBrokerCodeHasAKafkaCodeAndNoneStaysNone) {
  EXPECT_EQ(kafka::kafka_error(protocol::ErrorCode::kNone), pk::ErrorCode::kNone);
  for (const auto& info : protocol::error_table()) {
    if (info.code == protocol::ErrorCode::kNone ||
        info.code == protocol::ErrorCode::kUnknownServerError) {
      continue;
    }
    EXPECT_NE(kafka::kafka_error(info.code), pk::ErrorCode::kNone) << info.name;
    EXPECT_NE(kafka::kafka_error(info.code), pk::ErrorCode::kUnknownServerError)
        << info.name << " has no Kafka code of its own";
  }
}

TEST(KafkaErrorMapping, ProducerFencedIsInvalidProducerEpochOnlyForVersionsThatPredateIt) {
  using protocol::ErrorCode;
  EXPECT_EQ(kafka::kafka_txn_code(ErrorCode::kProducerFenced, true),
            pk::code_of(pk::ErrorCode::kInvalidProducerEpoch));
  EXPECT_EQ(kafka::kafka_txn_code(ErrorCode::kProducerFenced, false),
            pk::code_of(pk::ErrorCode::kProducerFenced));
  EXPECT_EQ(kafka::kafka_txn_code(ErrorCode::kConcurrentTransactions, true),
            pk::code_of(pk::ErrorCode::kConcurrentTransactions));
}

TEST(KafkaServedApis, TheTransactionApisAreServedUpToKip890sSecondPart) {
  auto range = [](pk::ApiKey key) {
    const kafka::ServedApi* api = kafka::find_served(static_cast<int16_t>(key));
    return api == nullptr ? std::pair<int, int>{-1, -1}
                          : std::pair<int, int>{api->min_version, api->max_version};
  };
  EXPECT_EQ(range(pk::ApiKey::kInitProducerId), (std::pair<int, int>{0, 5}));
  EXPECT_EQ(range(pk::ApiKey::kFindCoordinator), (std::pair<int, int>{0, 6}));
  EXPECT_EQ(range(pk::ApiKey::kAddPartitionsToTxn), (std::pair<int, int>{0, 5}));
  EXPECT_EQ(range(pk::ApiKey::kAddOffsetsToTxn), (std::pair<int, int>{0, 4}));
  EXPECT_EQ(range(pk::ApiKey::kEndTxn), (std::pair<int, int>{0, 4}));
  EXPECT_EQ(range(pk::ApiKey::kTxnOffsetCommit), (std::pair<int, int>{0, 4}));
  EXPECT_EQ(range(pk::ApiKey::kDescribeTransactions), (std::pair<int, int>{0, 0}));
  EXPECT_EQ(range(pk::ApiKey::kListTransactions), (std::pair<int, int>{0, 1}));
  // Coordinator to broker only.
  EXPECT_EQ(kafka::find_served(static_cast<int16_t>(pk::ApiKey::kWriteTxnMarkers)), nullptr);
}

}  // namespace
}  // namespace cairn::broker
