// Committed offsets against the real broker: OffsetCommit checks every partition against the
// broker's logs (looked up on the shards that own them), and a damaged offsets log leaves the
// broker serving, its groups answered with a retriable error instead of "nothing committed".
#include <gtest/gtest.h>

#include <fstream>

#include "client/src/connection.h"
#include "cairn/consumer.h"
#include "protocol/messages/group.h"
#include "protocol/messages/produce.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

std::unique_ptr<client::Connection> connect_to(const BrokerProcess& broker) {
  auto conn = client::Connection::connect({.broker = broker.address()});
  EXPECT_TRUE(conn) << conn.error().to_string();
  return conn ? std::move(*conn) : nullptr;
}

protocol::OffsetCommitRequest commit_request(std::vector<protocol::CommitTopic> topics) {
  protocol::OffsetCommitRequest r;
  r.group_id = "g";
  r.generation = -1;
  r.topics = std::move(topics);
  return r;
}

protocol::OffsetFetchRequest fetch_request(std::vector<int32_t> partitions) {
  protocol::OffsetFetchRequest r;
  r.group_id = "g";
  r.topics = std::vector<protocol::TopicPartitions>{{"t", std::move(partitions)}};
  return r;
}

TEST(OffsetCommit, EachPartitionIsCheckedAgainstTheBrokersLogsAndRefusedAlone) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data", {"--threads", "2"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t", "--partitions", "4"}).exit_code, 0);
  auto conn = connect_to(broker);
  ASSERT_TRUE(conn);
  // Five records in each partition: every log ends at offset 5.
  protocol::ProduceRequest produce;
  auto batch = make_batch({.records = 5});
  produce.topics.push_back({"t", {{0, batch}, {1, batch}, {2, batch}, {3, batch}}});
  auto produced = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, produce);
  ASSERT_TRUE(produced) << produced.error().to_string();
  for (const auto& p : produced->body.topics.at(0).partitions) ASSERT_EQ(p.error, ErrorCode::kNone);

  auto committed = conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit,
      commit_request({{"t", {{0, 500, ""}, {1, 5, ""}, {2, -3, ""}, {3, 2, ""}, {9, 0, ""}}},
                      {"nope", {{0, 0, ""}}}}));
  ASSERT_TRUE(committed) << committed.error().to_string();
  ASSERT_EQ(committed->body.topics.size(), 2u);
  const auto& t = committed->body.topics[0].partitions;
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].error, ErrorCode::kOffsetOutOfRange) << "past the log end";
  EXPECT_EQ(t[1].error, ErrorCode::kNone) << "the log end itself";
  EXPECT_EQ(t[2].error, ErrorCode::kOffsetOutOfRange) << "negative";
  EXPECT_EQ(t[3].error, ErrorCode::kNone);
  EXPECT_EQ(t[4].error, ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(committed->body.topics[1].partitions.at(0).error, ErrorCode::kUnknownTopicOrPartition);

  auto fetched = conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, fetch_request({0, 1, 2, 3}));
  ASSERT_TRUE(fetched) << fetched.error().to_string();
  const auto& f = fetched->body.topics.at(0).partitions;
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].offset, -1);
  EXPECT_EQ(f[1].offset, 5);
  EXPECT_EQ(f[2].offset, -1);
  EXPECT_EQ(f[3].offset, 2);
}

TEST(OffsetsLog, ADamagedOffsetsLogLeavesTheBrokerUpAndItsGroupsGetARetriableError) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  BrokerProcess broker(data, {"--offsets-partitions", "1"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  {
    auto conn = connect_to(broker);
    ASSERT_TRUE(conn);
    auto committed = conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
        ApiKey::kOffsetCommit, commit_request({{"t", {{0, 0, ""}}}}));
    ASSERT_TRUE(committed) << committed.error().to_string();
    ASSERT_EQ(committed->body.topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  }
  ASSERT_EQ(broker.stop(), 0);

  // One flipped bit in the last record of the offsets log (its commit time).
  auto segment = data / "topics" / "__consumer_offsets" / "0" / "00000000000000000000.log";
  std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file) << segment;
  file.seekg(-1, std::ios::end);
  char last = 0;
  file.read(&last, 1);
  file.seekp(-1, std::ios::end);
  last ^= 0x01;
  file.write(&last, 1);
  file.close();

  broker.restart();  // throws if cairnd does not come up
  EXPECT_NE(broker.log().find("cairn log repair"), std::string::npos) << broker.log();
  auto conn = connect_to(broker);
  ASSERT_TRUE(conn);
  auto fetched = conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, fetch_request({0}));
  ASSERT_TRUE(fetched) << fetched.error().to_string();
  EXPECT_EQ(fetched->body.error, ErrorCode::kCoordinatorNotAvailable);
  EXPECT_TRUE(protocol::is_retriable(fetched->body.error));
  EXPECT_EQ(fetched->body.topics.at(0).partitions.at(0).error, ErrorCode::kCoordinatorNotAvailable);

  auto committed = conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, commit_request({{"t", {{0, 0, ""}}}}));
  ASSERT_TRUE(committed) << committed.error().to_string();
  EXPECT_EQ(committed->body.topics.at(0).partitions.at(0).error, ErrorCode::kCoordinatorNotAvailable);

  protocol::JoinGroupRequest join;
  join.group_id = "g";
  join.topics = {"t"};
  auto joined = conn->call<protocol::JoinGroupRequest, protocol::JoinGroupResponse>(ApiKey::kJoinGroup, join);
  ASSERT_TRUE(joined) << joined.error().to_string();
  EXPECT_EQ(joined->body.error, ErrorCode::kCoordinatorNotAvailable);

  // The repair the broker's log names brings the partition back (without the damaged commit).
  conn.reset();
  ASSERT_EQ(broker.stop(), 0);
  auto repaired = cli(broker.address(), {"log", "repair", segment.parent_path().string(), "--yes"});
  ASSERT_EQ(repaired.exit_code, 0) << repaired.out << repaired.err;
  broker.restart();
  conn = connect_to(broker);
  ASSERT_TRUE(conn);
  fetched = conn->call<protocol::OffsetFetchRequest, protocol::OffsetFetchResponse>(
      ApiKey::kOffsetFetch, fetch_request({0}));
  ASSERT_TRUE(fetched) << fetched.error().to_string();
  EXPECT_EQ(fetched->body.error, ErrorCode::kNone);
  EXPECT_EQ(fetched->body.topics.at(0).partitions.at(0).offset, -1);
  committed = conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
      ApiKey::kOffsetCommit, commit_request({{"t", {{0, 0, ""}}}}));
  ASSERT_TRUE(committed) << committed.error().to_string();
  EXPECT_EQ(committed->body.topics.at(0).partitions.at(0).error, ErrorCode::kNone);
}

// The client side of the rule above: a consumer that cannot learn its group's commit waits and
// asks again; it does not take "the coordinator is not available" for "nothing committed" and
// reset to the start (or, with the default policy, skip to the end).
TEST(OffsetsLog, AConsumerWhoseGroupsOffsetsAreUnreadableWaitsInsteadOfResetting) {
  TempDir tmp;
  auto data = tmp.path() / "data";
  BrokerProcess broker(data, {"--offsets-partitions", "1"});
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  {
    auto conn = connect_to(broker);
    ASSERT_TRUE(conn);
    protocol::ProduceRequest produce;
    auto batch = make_batch({.records = 10});
    produce.topics.push_back({"t", {{0, batch}}});
    auto produced = conn->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, produce);
    ASSERT_TRUE(produced) << produced.error().to_string();
    auto committed = conn->call<protocol::OffsetCommitRequest, protocol::OffsetCommitResponse>(
        ApiKey::kOffsetCommit, commit_request({{"t", {{0, 5, ""}}}}));
    ASSERT_TRUE(committed) << committed.error().to_string();
    ASSERT_EQ(committed->body.topics.at(0).partitions.at(0).error, ErrorCode::kNone);
  }
  ASSERT_EQ(broker.stop(), 0);
  auto segment = data / "topics" / "__consumer_offsets" / "0" / "00000000000000000000.log";
  std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(file) << segment;
  file.seekg(-1, std::ios::end);
  char last = 0;
  file.read(&last, 1);
  file.seekp(-1, std::ios::end);
  last ^= 0x01;
  file.write(&last, 1);
  file.close();
  broker.restart();

  client::ConsumerConfig config;
  config.broker = broker.address();
  config.group_id = "g";
  config.enable_auto_commit = false;
  config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
  auto consumer = client::Consumer::create(config);
  ASSERT_TRUE(consumer) << consumer.error().to_string();
  ASSERT_TRUE((*consumer)->assign({{"t", 0}}).is_ok());
  size_t delivered = 0;
  auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1500);
  while (std::chrono::steady_clock::now() < until) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(100));
    if (records) delivered += records->size();
  }
  EXPECT_EQ(delivered, 0u) << "the consumer reset its position instead of waiting for the commit";
  auto committed = (*consumer)->committed({"t", 0});
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code(), Status::Code::kUnavailable) << committed.error().to_string();
  (*consumer)->close();
}

}  // namespace
}  // namespace cairn::testing
