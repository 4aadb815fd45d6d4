// What the broker accepts from a producer and which error code it answers with, against the
// real cairnd: the batch size limit, batches that break a format rule with a good checksum
// (INVALID_RECORD, not retriable) versus a damaged checksum (CORRUPT_MESSAGE, retriable), the
// attribute bits it refuses, entries of several batches, and the admin requests around them.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>

#include "client/src/connection.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "protocol/wire_format.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;
namespace batch = protocol::batch;

// Writes `value` at `at` and seals the checksum again, so that only the rule checks remain.
template <typename T>
std::vector<std::byte> with_field(std::vector<std::byte> b, size_t at, T value) {
  protocol::store_le<T>(b.data() + at, value);
  protocol::store_le<uint64_t>(b.data() + batch::kChecksumAt, protocol::batch_checksum(b));
  return b;
}

// The first record's bytes start right after the header: length varint (1 byte for a small
// record), attributes, timestamp delta varint, offset delta varint.
constexpr size_t kFirstRecordAttributesAt = batch::kHeaderSize + 1;
constexpr size_t kFirstRecordTimestampDeltaAt = batch::kHeaderSize + 2;
constexpr size_t kFirstRecordOffsetDeltaAt = batch::kHeaderSize + 3;

class ProduceRules : public ::testing::Test {
 protected:
  void start(std::vector<std::string> args = {}) {
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", std::move(args));
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "t"}).exit_code, 0);
    auto c = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(c) << c.error().to_string();
    conn = std::move(*c);
  }
  // Produces `records` (one or more batches) to t/0 and returns that partition's result.
  protocol::ProducePartitionResult produce(std::vector<std::byte> records) {
    protocol::ProduceRequest req;
    req.topics.push_back({"t", {{0, records}}});
    auto r = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
    EXPECT_TRUE(r) << r.error().to_string();
    if (!r) return {};
    return r->body.topics.at(0).partitions.at(0);
  }
  int64_t latest_offset() {
    protocol::ListOffsetsRequest req;
    req.topics.push_back({"t", {{0, protocol::kLatestTimestamp}}});
    auto r = conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
        ApiKey::kListOffsets, req);
    EXPECT_TRUE(r) << r.error().to_string();
    return r ? r->body.topics.at(0).partitions.at(0).offset : -1;
  }
  // Sends a raw request and returns the decoded response frame.
  protocol::DecodedResponse raw_call(const std::vector<std::byte>& frame) {
    RawSocket s(broker->port());
    EXPECT_TRUE(s.send(frame));
    raw_reply = s.read_frame();
    EXPECT_TRUE(raw_reply);
    if (!raw_reply) return {};
    auto decoded = protocol::decode_response(*raw_reply);
    EXPECT_TRUE(decoded);
    return decoded ? *decoded : protocol::DecodedResponse{};
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
  std::optional<std::vector<std::byte>> raw_reply;
};

TEST_F(ProduceRules, ABatchOverTheMaxBatchBytesIsRefusedWithMessageTooLarge) {
  start({"--max-batch-bytes", "100000"});
  auto big = produce(make_batch({.records = 1, .value_bytes = 150'000}));
  EXPECT_EQ(big.error, ErrorCode::kMessageTooLarge) << big.message;
  EXPECT_EQ(big.base_offset, -1);
  auto fits = produce(make_batch({.records = 1, .value_bytes = 90'000}));
  EXPECT_EQ(fits.error, ErrorCode::kNone) << fits.message;
}

TEST_F(ProduceRules, AMaxBatchBytesAboveTheStorageDefaultIsHonoured) {
  start({"--max-batch-bytes", std::to_string(12u << 20)});
  auto r = produce(make_batch({.records = 1, .value_bytes = 12'000'000}));
  EXPECT_EQ(r.error, ErrorCode::kNone) << r.message;
}

TEST_F(ProduceRules, AMaxBatchBytesAboveTheMaxFrameBytesIsRefusedAtStart) {
  auto result = run_program({cairnd_path(), "--listen", "127.0.0.1:0", "--data-dir",
                             (tmp.path() / "d").string(), "--max-frame-bytes", "1000000",
                             "--max-batch-bytes", "2000000"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_NE(result.err.find("--max-batch-bytes"), std::string::npos) << result.err;
}

TEST_F(ProduceRules, ApiVersionsV1AdvertisesTheMaxBatchBytes) {
  start({"--max-batch-bytes", "100000"});
  auto v1 = raw_call(raw_request(static_cast<uint16_t>(ApiKey::kApiVersions), 1, 1, {}));
  ASSERT_EQ(v1.error, ErrorCode::kNone);
  auto body = protocol::ApiVersionsResponse::decode(v1.body, 1);
  ASSERT_TRUE(body) << body.error().to_string();
  EXPECT_EQ(body->max_batch_bytes, 100'000u);
  // v0 keeps its layout; a version the broker does not know is answered in v0's.
  for (uint16_t version : {0, 9}) {
    auto r = raw_call(raw_request(static_cast<uint16_t>(ApiKey::kApiVersions), version, 2, {}));
    ASSERT_EQ(r.error, ErrorCode::kNone);
    EXPECT_TRUE(protocol::ApiVersionsResponse::decode(r.body, 0)) << version;
  }
}

TEST_F(ProduceRules, RuleViolationsWithAGoodChecksumAreInvalidRecordAndNotRetriable) {
  start();
  auto good = make_batch({.records = 2, .value_bytes = 16});
  std::vector<std::pair<std::string, std::vector<std::byte>>> broken = {
      {"an offset delta gap", with_field<uint8_t>(good, kFirstRecordOffsetDeltaAt, 2)},
      {"a first timestamp no record has",
       with_field<uint8_t>(good, kFirstRecordTimestampDeltaAt, 2)},
      {"a max timestamp no record has",
       with_field<int64_t>(good, batch::kMaxTimestampAt, 1'700'000'000'005)},
      {"a record count the records do not match",
       with_field<int32_t>(with_field<int32_t>(good, batch::kRecordCountAt, 3),
                           batch::kLastOffsetDeltaAt, 2)},
      {"a max timestamp before the first", with_field<int64_t>(good, batch::kMaxTimestampAt, 5)},
      {"an unknown magic", with_field<uint8_t>(good, batch::kMagicAt, 2)},
  };
  for (const auto& [what, bytes] : broken) {
    auto r = produce(bytes);
    EXPECT_EQ(r.error, ErrorCode::kInvalidRecord) << what << ": " << r.message;
    EXPECT_FALSE(protocol::is_retriable(r.error)) << what;
  }
  auto flipped = good;
  flipped.back() ^= std::byte{1};
  auto r = produce(flipped);
  EXPECT_EQ(r.error, ErrorCode::kCorruptMessage) << r.message;
  EXPECT_TRUE(protocol::is_retriable(r.error));
  EXPECT_EQ(latest_offset(), 0);
}

TEST_F(ProduceRules, TransactionalControlLogAppendTimeAndRecordAttributeBitsAreRefused) {
  start();
  auto good = make_batch({.records = 1});
  std::vector<std::pair<std::string, std::vector<std::byte>>> refused = {
      {"log-append time",
       with_field<uint16_t>(good, batch::kAttributesAt, batch::kTimestampTypeBit)},
      {"transactional without a producer id",
       with_field<uint16_t>(good, batch::kAttributesAt, batch::kTransactionalBit)},
      {"control", with_field<uint16_t>(good, batch::kAttributesAt, batch::kControlBit)},
      {"an undefined attribute bit", with_field<uint16_t>(good, batch::kAttributesAt, 0x40)},
      {"record attributes", with_field<uint8_t>(good, kFirstRecordAttributesAt, 1)},
  };
  for (const auto& [what, bytes] : refused) {
    auto r = produce(bytes);
    EXPECT_EQ(r.error, ErrorCode::kInvalidRecord) << what << ": " << r.message;
  }
  EXPECT_EQ(latest_offset(), 0);
}

TEST_F(ProduceRules, TheBrokerWrittenFieldsOfAProducedBatchAreIgnored) {
  start();
  auto b = make_batch({.records = 1});
  protocol::store_le<int64_t>(b.data() + batch::kBaseOffsetAt, -5);
  protocol::store_le<int32_t>(b.data() + batch::kLeaderEpochAt, 77);
  protocol::store_le<uint32_t>(b.data() + batch::kHeaderChecksumAt, 12345);
  auto r = produce(b);
  EXPECT_EQ(r.error, ErrorCode::kNone) << r.message;
  EXPECT_EQ(r.base_offset, 0);
}

TEST_F(ProduceRules, AnEntryWhoseSecondBatchIsDamagedStoresNothingAndReportsNoBaseOffset) {
  start();
  ASSERT_EQ(produce(make_batch({.records = 1})).error, ErrorCode::kNone);  // offset 0
  auto first = make_batch({.records = 2});
  auto second = make_batch({.records = 1});
  second.back() ^= std::byte{1};
  std::vector<std::byte> both = first;
  both.insert(both.end(), second.begin(), second.end());
  auto r = produce(both);
  EXPECT_EQ(r.error, ErrorCode::kCorruptMessage) << r.message;
  EXPECT_EQ(r.base_offset, -1);
  EXPECT_EQ(latest_offset(), 1) << "the first batch of the failed entry was stored";
}

TEST_F(ProduceRules, FindCoordinatorWithAnUndefinedKeyTypeIsAnInvalidRequest) {
  start();
  protocol::FindCoordinatorRequest req{"g", 2};
  auto r = raw_call(encoded_request(static_cast<uint16_t>(ApiKey::kFindCoordinator), 1, req));
  EXPECT_EQ(r.error, ErrorCode::kInvalidRequest);
}

TEST_F(ProduceRules, CreateTopicsCanAskForNoRetentionAndForTheDefaultPartitionCount) {
  start({"--retention-ms", "60000", "--retention-bytes", "1000000", "--partitions", "3"});
  protocol::CreateTopicsRequest req;
  protocol::NewTopic none{"unbounded", -1, {}};
  none.settings.retention_ms = -2;
  none.settings.retention_bytes = -2;
  req.topics.push_back(none);
  req.topics.push_back({"defaults", -1, {}});
  protocol::NewTopic bad{"bad", 1, {}};
  bad.settings.retention_ms = -3;
  req.topics.push_back(bad);
  auto created = conn->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
      ApiKey::kCreateTopics, req);
  ASSERT_TRUE(created) << created.error().to_string();
  EXPECT_EQ(created->body.results.at(0).error, ErrorCode::kNone)
      << created->body.results[0].message;
  EXPECT_EQ(created->body.results.at(1).error, ErrorCode::kNone)
      << created->body.results[1].message;
  EXPECT_EQ(created->body.results.at(2).error, ErrorCode::kInvalidConfig);

  protocol::MetadataRequest m{std::vector<std::string>{"unbounded", "defaults"}};
  auto meta =
      conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, m);
  ASSERT_TRUE(meta) << meta.error().to_string();
  const auto& unbounded = meta->body.topics.at(0);
  EXPECT_EQ(unbounded.settings.retention_ms, -1);
  EXPECT_EQ(unbounded.settings.retention_bytes, -1);
  EXPECT_EQ(unbounded.partitions.size(), 3u);
  const auto& defaults = meta->body.topics.at(1);
  EXPECT_EQ(defaults.settings.retention_ms, 60000);
  EXPECT_EQ(defaults.settings.retention_bytes, 1'000'000);
}

TEST_F(ProduceRules, AutoCreateCreatesOnProduceButNeverOnDescribeOrConsume) {
  start({"--auto-create-topics"});
  protocol::MetadataRequest look{std::vector<std::string>{"typo"}, /*create_missing=*/false};
  auto meta = conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, look, {.version = 1});
  ASSERT_TRUE(meta) << meta.error().to_string();
  EXPECT_EQ(meta->body.topics.at(0).error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(cli(broker->address(), {"topics", "describe", "typo"}).exit_code, 4);
  EXPECT_EQ(cli(broker->address(), {"consume", "typo", "--exit-at-end"}).exit_code, 4);
  EXPECT_EQ(cli(broker->address(), {"topics", "list"}).out, "t\n");

  auto input = tmp.path() / "lines";
  { std::ofstream(input) << "a\nb\n"; }
  ASSERT_EQ(cli(broker->address(), {"produce", "fresh"}, input).exit_code, 0);
  auto listed = cli(broker->address(), {"topics", "list"});
  EXPECT_EQ(listed.out, "fresh\nt\n");
  auto described = cli(broker->address(), {"topics", "describe", "fresh"});
  EXPECT_EQ(described.out.rfind("topic fresh: 1 partition, durability", 0), 0u) << described.out;
}

TEST_F(ProduceRules, MetadataForAMalformedNameSaysInvalidTopicName) {
  start({"--auto-create-topics"});
  protocol::MetadataRequest m{std::vector<std::string>{"no spaces allowed", std::string(201, 'x')}};
  auto meta =
      conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, m);
  ASSERT_TRUE(meta) << meta.error().to_string();
  EXPECT_EQ(meta->body.topics.at(0).error, ErrorCode::kInvalidTopicName);
  EXPECT_EQ(meta->body.topics.at(1).error, ErrorCode::kInvalidTopicName);
}

TEST_F(ProduceRules, AConnectionMovesToTheCoreOfItsPartitionAndAnswersItsPipelinedRequestsInOrder) {
  // Two cores: connections are dealt to them in turn, so of two consecutive connections that
  // produce to the same partition one starts on the core that does not own it and moves (once,
  // before its first Produce) with the requests it has already sent behind that one.
  start({"--threads", "2", "--log-level", "debug"});
  for (int t = 0; t < 4; ++t) {
    ASSERT_EQ(cli(broker->address(), {"topics", "create", "p" + std::to_string(t)}).exit_code, 0);
  }
  std::map<std::string, int64_t> next_offset;
  for (int i = 0; i < 8; ++i) {
    std::string topic = "p" + std::to_string(i / 2);
    std::vector<std::byte> pipelined;
    for (uint32_t id = 1; id <= 3; ++id) {
      protocol::ProduceRequest req;
      req.acks = -1;
      auto records = make_batch({.records = 2, .seed = static_cast<uint64_t>(i * 10 + id)});
      req.topics.push_back({topic, {{0, records}}});
      auto frame = encoded_request(static_cast<uint16_t>(ApiKey::kProduce), id, req);
      pipelined.insert(pipelined.end(), frame.begin(), frame.end());
    }
    RawSocket s(broker->port());
    ASSERT_TRUE(s.send(pipelined));  // all three in one write
    for (uint32_t id = 1; id <= 3; ++id) {
      auto reply = s.read_frame();
      ASSERT_TRUE(reply) << "connection " << i << " request " << id << "; broker log:\n"
                         << broker->log();
      auto decoded = protocol::decode_response(*reply);
      ASSERT_TRUE(decoded);
      ASSERT_EQ(decoded->correlation_id, id);
      auto body = protocol::ProduceResponse::decode(decoded->body, 0);
      ASSERT_TRUE(body) << body.error().to_string();
      const auto& result = body->topics.at(0).partitions.at(0);
      ASSERT_EQ(result.error, ErrorCode::kNone) << result.message;
      EXPECT_EQ(result.base_offset, next_offset[topic]) << topic << ", connection " << i;
      next_offset[topic] = result.base_offset + 2;
    }
  }
  // Each topic's partition is owned by one core: one connection of each pair moved to it.
  EXPECT_EQ(broker->log_count("moving the connection"), 4u) << broker->log();
  // What moved connections stored reads back whole.
  for (int t = 0; t < 4; ++t) {
    auto r = cli(broker->address(),
                 {"consume", "p" + std::to_string(t), "--offset", "beginning", "--count", "12"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 12) << r.out;
  }
}

TEST_F(ProduceRules, AConnectionBusyWhenItsFirstProduceArrivesMovesAtItsNextOne) {
  // A client that sends its first Produce right behind another request (librdkafka does, behind
  // Metadata) cannot move then, with that request in flight: it is asked again with its next
  // Produce, and moves then. Of two consecutive connections one starts on the other core.
  start({"--threads", "2", "--log-level", "debug"});
  ASSERT_EQ(cli(broker->address(), {"topics", "create", "q"}).exit_code, 0);
  auto produce = [](uint32_t id) {
    protocol::ProduceRequest req;
    req.acks = -1;
    auto batch = make_batch({.records = 1, .seed = id});
    req.topics.push_back({"q", {{0, batch}}});
    return encoded_request(static_cast<uint16_t>(ApiKey::kProduce), id, req);
  };
  for (int i = 0; i < 2; ++i) {
    auto frames = encoded_request(static_cast<uint16_t>(ApiKey::kMetadata), 1,
                                  protocol::MetadataRequest{std::vector<std::string>{"q"}, false});
    auto first_produce = produce(2);
    frames.insert(frames.end(), first_produce.begin(), first_produce.end());
    RawSocket s(broker->port());
    ASSERT_TRUE(s.send(frames));  // the Produce arrives while Metadata is being answered
    for (uint32_t id : {1u, 2u}) {
      auto reply = s.read_frame();
      ASSERT_TRUE(reply) << broker->log();
      auto decoded = protocol::decode_response(*reply);
      ASSERT_TRUE(decoded);
      EXPECT_EQ(decoded->correlation_id, id);
    }
    ASSERT_TRUE(s.send(produce(3)));
    auto reply = s.read_frame();
    ASSERT_TRUE(reply) << "connection " << i << "; broker log:\n" << broker->log();
    auto decoded = protocol::decode_response(*reply);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->correlation_id, 3u);
    auto body = protocol::ProduceResponse::decode(decoded->body, 0);
    ASSERT_TRUE(body) << body.error().to_string();
    EXPECT_EQ(body->topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  }
  EXPECT_EQ(broker->log_count("moving the connection"), 1u) << broker->log();
  auto r = cli(broker->address(), {"consume", "q", "--offset", "beginning", "--count", "4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << r.out;
}

TEST_F(ProduceRules, AMalformedFirstProduceOnTwoCoresIsAnsweredAndTheConnectionStaysWhereItIs) {
  // Where the connection belongs is read from its first Produce: one that does not decode is
  // answered INVALID_REQUEST by its handler, and the connection, placed for good, serves the
  // next request where it is.
  start({"--threads", "2", "--log-level", "debug"});
  std::vector<std::byte> junk(2 + 40, std::byte{0xff});
  protocol::store_le<int16_t>(junk.data(), 1);  // acks=1: an answer is owed
  auto frames = raw_request(static_cast<uint16_t>(ApiKey::kProduce), 0, 1, junk);
  protocol::ProduceRequest good;
  auto records = make_batch({.records = 1});
  good.topics.push_back({"t", {{0, records}}});
  auto second = encoded_request(static_cast<uint16_t>(ApiKey::kProduce), 2, good);
  frames.insert(frames.end(), second.begin(), second.end());
  RawSocket s(broker->port());
  ASSERT_TRUE(s.send(frames));
  auto first = s.read_frame();
  ASSERT_TRUE(first) << broker->log();
  auto refused = protocol::decode_response(*first);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->correlation_id, 1u);
  EXPECT_EQ(refused->error, ErrorCode::kInvalidRequest) << refused->message;
  auto next = s.read_frame();
  ASSERT_TRUE(next) << broker->log();
  auto answered = protocol::decode_response(*next);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->correlation_id, 2u);
  auto body = protocol::ProduceResponse::decode(answered->body, 0);
  ASSERT_TRUE(body) << body.error().to_string();
  EXPECT_EQ(body->topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  EXPECT_EQ(broker->log().find("moving the connection"), std::string::npos);
}

}  // namespace
}  // namespace cairn::testing
