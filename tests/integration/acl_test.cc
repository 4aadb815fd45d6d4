// The authorizer against the real cairnd: users and bindings made offline (`cairn users` and
// `cairn acl` with --data-dir), then each operation over the wire by principals with an allow, a
// deny beating an allow, a prefixed allow, a wildcard principal, no binding at all, and a super
// user; and the same answers after a restart.
#include <gtest/gtest.h>

#include <algorithm>

#include "client/src/connection.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/messages/produce.h"
#include "tests/support/secured_broker.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

class Authorizer : public SecuredBrokerTest {
 protected:
  void SetUp() override {
    add_users({"admin", "alice", "bob"});
    // alice: write to every topic starting "orders", but never to orders-secret; read group g1.
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "write", "--topic", "orders",
           "--prefix"});
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "write", "--topic",
           "orders-secret", "--deny"});
    cairn({"acl", "add", "--principal", "User:alice", "--operation", "read", "--group", "g1"});
    // Everyone may describe the topic public.
    cairn({"acl", "add", "--principal", "User:*", "--operation", "describe", "--topic", "public"});
    start_broker();
    admin = login("admin");
    protocol::CreateTopicsRequest create;
    for (const char* name : {"orders-1", "orders-secret", "public", "private"}) {
      create.topics.push_back({name, 1, {}});
    }
    auto created = admin->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
        ApiKey::kCreateTopics, create);
    ASSERT_TRUE(created.has_value()) << created.error().to_string();
    for (const auto& r : created->body.results) ASSERT_EQ(r.error, ErrorCode::kNone) << r.name;
  }

  // The error of producing one batch to partition 0 of `topic`.
  static ErrorCode produce(client::Connection& conn, const std::string& topic) {
    auto batch = make_batch({.records = 1});
    protocol::ProduceRequest req;
    req.topics.push_back({topic, {{0, batch}}});
    auto r = conn.call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
    if (!r || r->body.topics.size() != 1 || r->body.topics[0].partitions.size() != 1) {
      return ErrorCode::kUnknownServerError;
    }
    return r->body.topics[0].partitions[0].error;
  }
  static ErrorCode fetch(client::Connection& conn, const std::string& topic) {
    protocol::FetchRequest req;
    req.max_wait_ms = 0;
    req.topics.push_back({topic, {{0, 0, 1 << 20}}});
    auto r = conn.call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, req);
    if (!r || r->body.topics.size() != 1 || r->body.topics[0].partitions.size() != 1) {
      return ErrorCode::kUnknownServerError;
    }
    return r->body.topics[0].partitions[0].error;
  }
  static std::vector<std::string> visible_topics(client::Connection& conn) {
    auto r = conn.call<protocol::MetadataRequest, protocol::MetadataResponse>(
        ApiKey::kMetadata, protocol::MetadataRequest{});
    std::vector<std::string> names;
    if (!r) return names;
    for (const auto& t : r->body.topics) {
      if (!t.name.starts_with("__")) names.push_back(t.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
  static Status join(client::Connection& conn, const std::string& group) {
    protocol::FindCoordinatorRequest req{group, 0};
    return conn
        .call<protocol::FindCoordinatorRequest, protocol::FindCoordinatorResponse>(
            ApiKey::kFindCoordinator, req)
        .status();
  }

  // Every check of the matrix, as principals alice, bob and admin see it.
  void expect_the_matrix() {
    auto alice = login("alice");
    auto bob = login("bob");
    ASSERT_TRUE(alice && bob && admin);
    EXPECT_EQ(produce(*alice, "orders-1"), ErrorCode::kNone) << "prefixed allow";
    EXPECT_EQ(produce(*alice, "orders-secret"), ErrorCode::kTopicAuthorizationFailed)
        << "deny beats allow";
    EXPECT_EQ(produce(*alice, "public"), ErrorCode::kTopicAuthorizationFailed)
        << "describe does not allow write";
    EXPECT_EQ(produce(*bob, "orders-1"), ErrorCode::kTopicAuthorizationFailed) << "no binding";
    EXPECT_EQ(produce(*admin, "private"), ErrorCode::kNone) << "super user";
    EXPECT_EQ(fetch(*alice, "orders-1"), ErrorCode::kTopicAuthorizationFailed)
        << "write does not allow read";
    EXPECT_EQ(fetch(*admin, "orders-1"), ErrorCode::kNone);
    // Write implies Describe; a DENY of Write does not deny Describe; User:* covers everyone.
    EXPECT_EQ(visible_topics(*alice),
              (std::vector<std::string>{"orders-1", "orders-secret", "public"}));
    EXPECT_EQ(visible_topics(*bob), (std::vector<std::string>{"public"}));
    EXPECT_EQ(visible_topics(*admin),
              (std::vector<std::string>{"orders-1", "orders-secret", "private", "public"}));
    EXPECT_TRUE(join(*alice, "g1").is_ok()) << "read on the group implies describe";
    Status denied = join(*alice, "g2");
    EXPECT_NE(denied.message().find("GROUP_AUTHORIZATION_FAILED"), std::string::npos)
        << denied.to_string();
    protocol::CreateTopicsRequest create;
    create.topics.push_back({"bobs", 1, {}});
    auto created = bob->call<protocol::CreateTopicsRequest, protocol::CreateTopicsResponse>(
        ApiKey::kCreateTopics, create);
    ASSERT_TRUE(created.has_value()) << created.error().to_string();
    ASSERT_EQ(created->body.results.size(), 1u);
    EXPECT_EQ(created->body.results[0].error, ErrorCode::kTopicAuthorizationFailed);
  }

  std::unique_ptr<client::Connection> admin;
};

TEST_F(Authorizer, EachOperationIsAllowedOrRefusedByTheBindingsBeforeAndAfterARestart) {
  expect_the_matrix();
  admin.reset();
  broker->restart();
  admin = login("admin");
  expect_the_matrix();
}

TEST_F(Authorizer, AnUnauthenticatedClientIsRefusedEverythingButVersionsAndSasl) {
  auto conn = client::Connection::connect({.broker = broker->address()});
  ASSERT_TRUE(conn.has_value()) << "ApiVersions is answered before login";
  auto metadata = (*conn)->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      ApiKey::kMetadata, protocol::MetadataRequest{});
  EXPECT_FALSE(metadata.has_value());
}

}  // namespace
}  // namespace cairn::testing
