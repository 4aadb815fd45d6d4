// Storage edges against the real programs: producer ids cairnd never issued.
#include <gtest/gtest.h>

#include <string>

#include "cairn/connection.h"
#include "protocol/messages/group.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

protocol::ProducePartitionResult produce_one(client::Connection& conn, int64_t producer_id) {
  protocol::RecordBatchBuilder builder(
      {.producer_id = producer_id, .producer_epoch = 0, .base_sequence = 0});
  builder.append(system_now(), std::nullopt, protocol::as_bytes(std::string_view("v")));
  std::vector<std::byte> batch = builder.seal();
  protocol::ProduceRequest request;
  request.topics.push_back({"t", {{0, protocol::MutableBytes(batch)}}});
  auto reply = conn.call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce,
                                                                             request);
  EXPECT_TRUE(reply) << reply.error().to_string();
  if (!reply) return {};
  return reply->body.topics.at(0).partitions.at(0);
}

TEST(BrokerStorage, AProducerIdTheBrokerNeverIssuedIsRefused) {
  TempDir tmp;
  BrokerProcess broker(tmp.path() / "data");
  ASSERT_EQ(cli(broker.address(), {"topics", "create", "t"}).exit_code, 0);
  auto conn = client::Connection::connect({.broker = broker.address()});
  ASSERT_TRUE(conn) << conn.error().to_string();

  auto forged = produce_one(**conn, 123'456'789);
  EXPECT_EQ(forged.error, ErrorCode::kInvalidRecord);
  EXPECT_NE(forged.message.find("not issued"), std::string::npos) << forged.message;

  auto init = (*conn)->call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      ApiKey::kInitProducerId, protocol::InitProducerIdRequest{});
  ASSERT_TRUE(init) << init.error().to_string();
  ASSERT_EQ(init->body.error, ErrorCode::kNone);
  auto issued = produce_one(**conn, init->body.producer_id);
  EXPECT_EQ(issued.error, ErrorCode::kNone) << issued.message;
  EXPECT_EQ(issued.base_offset, 0);
}

}  // namespace
}  // namespace cairn::testing
