// Request and response bodies byte for byte, typed from Kafka's protocol guide (message
// layouts) and message schemas (which fields each version has): ApiVersions v0 and v3,
// Metadata, Produce v3 and v9/v10, Fetch v4 and v12. Each body must decode to the message
// below and that message must encode to the same bytes.
#include <gtest/gtest.h>

#include "protocol/kafka/apis.h"
#include "protocol/kafka/record_batch.h"
#include "tests/unit/protocol/kafka/golden_batch.h"
#include "tests/unit/protocol/kafka/hex.h"

namespace cairn::protocol::kafka {
namespace {

using test::concat;
using test::hex;

template <class M>
void expect_golden(const M& message, int16_t version, const std::vector<std::byte>& golden) {
  std::vector<std::byte> out;
  Writer w(out);
  Status s = encode(message, version, w);
  ASSERT_TRUE(s.is_ok()) << s.to_string();
  EXPECT_EQ(test::to_hex(out), test::to_hex(golden)) << M::kApi.name << " v" << version;
  EXPECT_EQ(encoded_size(message, version), golden.size());
  auto back = decode<M>(golden, version);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_TRUE(*back == message) << M::kApi.name << " v" << version;
}

TEST(KafkaGolden, ApiVersionsV0) {
  expect_golden(ApiVersionsRequest{}, 0, {});
  ApiVersionsResponse r;
  r.api_keys = {{18, 0, 4}, {3, 0, 13}};
  expect_golden(r, 0, hex("00 00  00 00 00 02  00 12 00 00 00 04  00 03 00 00 00 0d"));
  // The KIP-511 answer to an unsupported version: v0 layout, UNSUPPORTED_VERSION (35).
  ApiVersionsResponse refused;
  refused.error_code = 35;
  refused.api_keys = {{18, 0, 4}};
  expect_golden(refused, 0, hex("00 23  00 00 00 01  00 12 00 00 00 04"));
}

TEST(KafkaGolden, ApiVersionsV3) {
  expect_golden(ApiVersionsRequest{"librdkafka", "2.0.2"}, 3,
                hex("0b 'librdkafka'  06 '2.0.2'  00"));
  ApiVersionsResponse r;
  r.api_keys = {{18, 0, 4}};
  r.supported_features = {{"metadata.version", 1, 20}};
  expect_golden(r, 3,
                hex("00 00  02  00 12 00 00 00 04 00  00 00 00 00"
                    "  01  00 17  02 11 'metadata.version' 00 01 00 14 00"));
  ApiVersionsResponse epoch;
  epoch.finalized_features_epoch = 9;
  epoch.zk_migration_ready = true;
  expect_golden(epoch, 3,
                hex("00 00  01  00 00 00 00  02  01 08 00 00 00 00 00 00 00 09"
                    "  03 01 01"));
}

TEST(KafkaGolden, MetadataRequests) {
  MetadataRequest every;
  every.topics.reset();
  expect_golden(every, 1, hex("ff ff ff ff"));
  MetadataRequest v0;  // v0 asks for every topic with an empty list
  expect_golden(v0, 0, hex("00 00 00 00"));
  MetadataRequest one;
  one.topics = {{Uuid{}, "t"}};
  one.allow_auto_topic_creation = false;
  expect_golden(one, 4, hex("00 00 00 01  00 01 't'  00"));
  expect_golden(one, 9, hex("02  02 't' 00  00  00  00  00"));
  MetadataRequest by_id;
  by_id.topics = {{Uuid{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}}, std::nullopt}};
  expect_golden(by_id, 12,
                hex("02  01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10  00  00"
                    "  01  00  00"));
}

TEST(KafkaGolden, LibrdkafkasEveryTopicMetadataRequestWithItsPlaceholderCountIsTaken) {
  // What librdkafka 2.6 sends for every topic at v12: its 4-byte count placeholder left as
  // zeros, then AllowAutoTopicCreation true, IncludeTopicAuthorizedOperations false, no tags.
  const auto sent = hex("00 00 00 00  01  00  00");
  EXPECT_FALSE(decode<MetadataRequest>(sent, 12));  // 3 bytes left over
  auto taken = decode_metadata_request(sent, 12, 0);
  ASSERT_TRUE(taken) << taken.error().to_string();
  EXPECT_FALSE(taken->topics.has_value());
  EXPECT_TRUE(taken->allow_auto_topic_creation);
  // Only that shape, and only where the count is compact (v9+), is repaired.
  EXPECT_FALSE(decode_metadata_request(hex("00 00 00 00  01  00  00  00"), 12, 0));
  // At v8 the same bytes are an ordinary request: an int32 count of 0 (no topics), then three
  // booleans.
  auto v8 = decode_metadata_request(hex("00 00 00 00  01  00  00"), 8, 0);
  ASSERT_TRUE(v8);
  EXPECT_TRUE(v8->topics.has_value() && v8->topics->empty());
  auto normal = decode_metadata_request(hex("01  00  00  00"), 12, 0);
  ASSERT_TRUE(normal);
  EXPECT_TRUE(normal->topics.has_value() && normal->topics->empty());
}

TEST(KafkaGolden, MetadataResponseV0AndV12) {
  MetadataResponse r;
  r.brokers = {{1, "h", 9092, std::nullopt}};
  MetadataResponseTopic topic;
  topic.name = "t";
  MetadataResponsePartition partition;
  partition.leader_id = 1;
  partition.replica_nodes = {1};
  partition.isr_nodes = {1};
  topic.partitions = {partition};
  r.topics = {topic};
  expect_golden(r, 0,
                hex("00 00 00 01  00 00 00 01 00 01 'h' 00 00 23 84"
                    "  00 00 00 01  00 00  00 01 't'  00 00 00 01"
                    "  00 00  00 00 00 00  00 00 00 01  00 00 00 01 00 00 00 01"
                    "  00 00 00 01 00 00 00 01"));
  r.cluster_id = "c";
  r.controller_id = 1;
  expect_golden(r, 12,
                hex("00 00 00 00"                                 // throttle
                    "  02  00 00 00 01 02 'h' 00 00 23 84 00 00"  // broker, null rack
                    "  02 'c'  00 00 00 01"                       // cluster, controller
                    "  02  00 00  02 't'  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  00"
                    "  02  00 00  00 00 00 00  00 00 00 01  ff ff ff ff  02 00 00 00 01"
                    "  02 00 00 00 01  01  00"  // isr, offline, tags
                    "  80 00 00 00  00"         // topic ops, tags
                    "  00"));                   // tags
}

ProduceRequest produce_request(const std::vector<std::byte>& batch) {
  ProduceRequest r;
  r.acks = -1;
  r.timeout_ms = 30000;
  r.topic_data = {{"t", Uuid{}, {{0, Records::view(batch)}}}};
  return r;
}

TEST(KafkaGolden, ProduceRequestV3) {
  auto batch = test::golden_batch();
  auto golden = concat(hex("ff ff  ff ff  00 00 75 30  00 00 00 01  00 01 't'"
                           "  00 00 00 01  00 00 00 00  00 00 00 47"),
                       batch);
  expect_golden(produce_request(batch), 3, golden);
  // The records are a view into the frame, ready for batch verification.
  auto decoded = decode<ProduceRequest>(golden, 3);
  ASSERT_TRUE(decoded);
  Bytes records = decoded->topic_data[0].partition_data[0].records.bytes();
  EXPECT_EQ(records.data(), golden.data() + golden.size() - batch.size());
  EXPECT_TRUE(parse_kafka_batch(records));
}

TEST(KafkaGolden, ProduceRequestV9IsFlexible) {
  auto batch = test::golden_batch();
  auto golden =
      concat(concat(hex("00  ff ff  00 00 75 30  02  02 't'  02  00 00 00 00  48"), batch),
             hex("00  00  00"));
  expect_golden(produce_request(batch), 9, golden);
}

TEST(KafkaGolden, ProduceResponseV3AndV10) {
  ProduceResponse r;
  PartitionProduceResponse p;
  p.base_offset = 5;
  r.responses = {{"t", Uuid{}, {p}}};
  expect_golden(r, 3,
                hex("00 00 00 01  00 01 't'  00 00 00 01  00 00 00 00  00 00"
                    "  00 00 00 00 00 00 00 05  ff ff ff ff ff ff ff ff  00 00 00 00"));
  r.responses[0].partition_responses[0].log_start_offset = 0;
  r.responses[0].partition_responses[0].current_leader = {1, 3};
  expect_golden(r, 10,
                hex("02  02 't'  02  00 00 00 00  00 00  00 00 00 00 00 00 00 05"
                    "  ff ff ff ff ff ff ff ff  00 00 00 00 00 00 00 00  01  00"
                    "  01  00 09 00 00 00 01 00 00 00 03 00"  // tag 0: CurrentLeader
                    "  00  00 00 00 00  00"));
}

FetchRequest fetch_request() {
  FetchRequest r;
  r.max_wait_ms = 500;
  r.min_bytes = 1;
  r.max_bytes = 52428800;
  FetchPartition p;
  p.fetch_offset = 10;
  p.partition_max_bytes = 1048576;
  r.topics = {{"t", Uuid{}, {p}}};
  return r;
}

TEST(KafkaGolden, FetchRequestV4) {
  FetchRequest r = fetch_request();
  r.isolation_level = 1;
  expect_golden(r, 4,
                hex("ff ff ff ff  00 00 01 f4  00 00 00 01  03 20 00 00  01"
                    "  00 00 00 01  00 01 't'  00 00 00 01"
                    "  00 00 00 00  00 00 00 00 00 00 00 0a  00 10 00 00"));
}

TEST(KafkaGolden, FetchRequestV12IsFlexibleWithATaggedClusterId) {
  FetchRequest r = fetch_request();
  r.cluster_id = "c1";
  expect_golden(r, 12,
                hex("ff ff ff ff  00 00 01 f4  00 00 00 01  03 20 00 00  00"
                    "  00 00 00 00  ff ff ff ff"                  // session id, epoch
                    "  02  02 't'  02  00 00 00 00  ff ff ff ff"  // partition, epoch
                    "  00 00 00 00 00 00 00 0a  ff ff ff ff"      // offset, last epoch
                    "  ff ff ff ff ff ff ff ff  00 10 00 00  00"  // log start, max
                    "  00  01  01"                                // forgotten, rack
                    "  01  00 03 03 'c1'"));                      // tag 0: ClusterId
}

FetchResponse fetch_response(const std::vector<std::byte>& batch) {
  FetchResponse r;
  FetchPartitionData p;
  p.high_watermark = 11;
  p.last_stable_offset = 11;
  p.aborted_transactions.reset();
  p.records = Records::view(batch);
  r.responses = {{"t", Uuid{}, {p}}};
  return r;
}

TEST(KafkaGolden, FetchResponseV4) {
  auto batch = test::golden_batch();
  auto golden = concat(hex("00 00 00 00  00 00 00 01  00 01 't'  00 00 00 01  00 00 00 00"
                           "  00 00  00 00 00 00 00 00 00 0b  00 00 00 00 00 00 00 0b"
                           "  ff ff ff ff  00 00 00 47"),
                       batch);
  expect_golden(fetch_response(batch), 4, golden);
}

TEST(KafkaGolden, FetchResponseV12CarriesTheCurrentLeaderAsATaggedField) {
  auto batch = test::golden_batch();
  FetchResponse r = fetch_response(batch);
  r.responses[0].partitions[0].log_start_offset = 0;
  r.responses[0].partitions[0].current_leader = {1, 3};
  auto golden = concat(concat(hex("00 00 00 00  00 00  00 00 00 00  02  02 't'  02"
                                  "  00 00 00 00  00 00  00 00 00 00 00 00 00 0b"
                                  "  00 00 00 00 00 00 00 0b  00 00 00 00 00 00 00 00"
                                  "  00  ff ff ff ff  48"),
                              batch),
                       hex("01  01 09 00 00 00 01 00 00 00 03 00  00  00"));
  expect_golden(r, 12, golden);
}

}  // namespace
}  // namespace cairn::protocol::kafka
