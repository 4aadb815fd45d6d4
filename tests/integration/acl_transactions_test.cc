// The authorizer on the transaction APIs against the real cairnd (broker/security/README.md,
// "What each request needs"): a transaction needs Write on its transactional id; adding
// partitions Write on each topic; adding offsets Read on the group; describing Describe on the
// transactional id; finding a transaction coordinator Describe on the transactional id (not on a
// group of the same name). A topic refused in AddPartitionsToTxn refuses the request whole.
#include <gtest/gtest.h>

#include <string>

#include "client/src/connection.h"
#include "protocol/error_code.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/transactions.h"
#include "tests/support/secured_broker.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

// The error a request met: its answer's error, or the whole-request refusal's name.
template <class Response>
std::string error_of(const Result<client::Reply<Response>>& r) {
  if (r) return std::string(protocol::error_name(r->body.error));
  return r.error().message();
}

class TransactionAuthorizer : public SecuredBrokerTest {
 protected:
  void SetUp() override {
    add_users({"admin", "alice", "bob"});
    // alice: her transactional ids (prefix tx-alice), writes to topic orders, reads group g1.
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "write", "--transactional-id",
           "tx-alice", "--prefix"});
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "write", "--topic", "orders"});
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "read", "--group", "g1"});
    // bob may only describe alice's transactional ids.
    cairn({"acl", "add", "--principal", "User:bob", "--operation", "describe", "--transactional-id",
           "tx-alice", "--prefix"});
    start_broker();
    auto admin = login("admin");
    ASSERT_TRUE(admin);
    protocol::CreateTopicsRequest create;
    for (const char* name : {"orders", "private"}) create.topics.push_back({name, 1, {}});
    auto created = admin->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
        ApiKey::kCreateTopics, create);
    ASSERT_TRUE(created.has_value()) << created.error().to_string();
  }

  static std::string find_coordinator(client::Connection& c, const std::string& id) {
    protocol::FindCoordinatorRequest req{id, 1};
    return error_of(c.call<protocol::FindCoordinatorRequest, protocol::FindCoordinatorResponse>(
        ApiKey::kFindCoordinator, req));
  }
  static Result<protocol::InitProducerIdResponse> init(client::Connection& c,
                                                       const std::string& id) {
    protocol::InitProducerIdRequest req{id, 60000};
    auto r = c.call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
        ApiKey::kInitProducerId, req);
    if (!r) return r.error();
    return r->body;
  }
  static std::string init_error(client::Connection& c, const std::string& id) {
    auto r = init(c, id);
    return r ? std::string(protocol::error_name(r->error)) : r.error().message();
  }
  // The error of each partition added, in order, or the whole request's refusal.
  static std::vector<std::string> add(client::Connection& c, const protocol::TxnProducer& p,
                                      std::vector<protocol::TopicPartitions> topics) {
    protocol::AddPartitionsToTxnRequest req{p, std::move(topics)};
    auto r = c.call<protocol::AddPartitionsToTxnRequest, protocol::AddPartitionsToTxnResponse>(
        ApiKey::kAddPartitionsToTxn, req);
    if (!r) return {r.error().message()};
    std::vector<std::string> out;
    for (const auto& t : r->body.topics) {
      for (const auto& part : t.partitions) {
        out.push_back(t.name + ":" + std::string(protocol::error_name(part.error)));
      }
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string add_offsets(client::Connection& c, const protocol::TxnProducer& p,
                                 const std::string& group) {
    protocol::AddOffsetsToTxnRequest req{p, group};
    return error_of(c.call<protocol::AddOffsetsToTxnRequest, protocol::TxnErrorResponse>(
        ApiKey::kAddOffsetsToTxn, req));
  }
  static std::string end(client::Connection& c, const protocol::TxnProducer& p) {
    protocol::EndTxnRequest req{p, protocol::TxnResult::kAbort};
    return error_of(
        c.call<protocol::EndTxnRequest, protocol::EndTxnResponse>(ApiKey::kEndTxn, req));
  }
  // How many partitions the open transaction of `id` has.
  static size_t open_partitions(client::Connection& c, const std::string& id) {
    protocol::DescribeTransactionsRequest req{{id}};
    auto r = c.call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
        ApiKey::kDescribeTransactions, req);
    EXPECT_TRUE(r && r->body.transactions.size() == 1);
    if (!r || r->body.transactions.size() != 1) return 0;
    size_t n = 0;
    for (const auto& t : r->body.transactions[0].topics) n += t.partitions.size();
    return n;
  }
  static std::string describe(client::Connection& c, const std::string& id) {
    protocol::DescribeTransactionsRequest req{{id}};
    auto r = c.call<protocol::DescribeTransactionsRequest, protocol::DescribeTransactionsResponse>(
        ApiKey::kDescribeTransactions, req);
    if (!r) return r.error().message();
    if (r->body.transactions.size() != 1)
      return "answers " + std::to_string(r->body.transactions.size());
    return std::string(protocol::error_name(r->body.transactions[0].error));
  }
};

TEST_F(TransactionAuthorizer, EachTransactionApiNeedsItsBindings) {
  auto alice = login("alice");
  auto bob = login("bob");
  ASSERT_TRUE(alice && bob);

  EXPECT_EQ(find_coordinator(*alice, "tx-alice-1"), "NONE")
      << "Write on the transactional id implies Describe: no group binding is needed";
  EXPECT_NE(find_coordinator(*bob, "tx-other").find("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"),
            std::string::npos);

  EXPECT_NE(init_error(*alice, "tx-other").find("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"),
            std::string::npos);
  EXPECT_NE(init_error(*bob, "tx-alice-1").find("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"),
            std::string::npos)
      << "Describe does not allow Write";
  auto id = init(*alice, "tx-alice-1");
  ASSERT_TRUE(id && id->error == ErrorCode::kNone);
  protocol::TxnProducer producer{"tx-alice-1", id->producer_id, id->producer_epoch};

  auto refused = add(*alice, producer, {{"orders", {0}}, {"private", {0}}});
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_NE(refused[0].find("TOPIC_AUTHORIZATION_FAILED"), std::string::npos) << refused[0];
  EXPECT_EQ(open_partitions(*alice, "tx-alice-1"), 0u)
      << "a refused topic refuses the request whole: orders was not added either";
  EXPECT_EQ(add(*alice, producer, {{"orders", {0}}}), (std::vector<std::string>{"orders:NONE"}));
  EXPECT_NE(add(*bob, producer, {{"orders", {0}}})[0].find("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"),
            std::string::npos);

  EXPECT_NE(add_offsets(*alice, producer, "g2").find("GROUP_AUTHORIZATION_FAILED"),
            std::string::npos);
  EXPECT_EQ(add_offsets(*alice, producer, "g1"), "NONE");

  EXPECT_EQ(describe(*bob, "tx-alice-1"), "NONE");
  EXPECT_EQ(describe(*alice, "tx-alice-1"), "NONE") << "Write implies Describe";
  auto admin = login("admin");
  ASSERT_TRUE(admin);
  ASSERT_EQ(init_error(*admin, "tx-admin"), "NONE");
  EXPECT_EQ(describe(*bob, "tx-admin"), "TRANSACTIONAL_ID_AUTHORIZATION_FAILED");

  EXPECT_NE(end(*bob, producer).find("TRANSACTIONAL_ID_AUTHORIZATION_FAILED"), std::string::npos);
  EXPECT_EQ(end(*alice, producer), "NONE");
}

}  // namespace
}  // namespace cairn::testing
