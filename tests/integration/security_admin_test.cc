// Users and ACLs managed online, through the running cairnd (`cairn users` and `cairn acl`
// without --data-dir, over the management APIs): a super user's changes apply at once on the
// broker, survive a restart, and nobody else may make them.
#include <gtest/gtest.h>

#include "client/src/connection.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/produce.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

constexpr const char* kPassword = "correct horse battery staple";

class OnlineSecurity : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(password_file(), std::string(kPassword) + "\n");
    for (const char* user : {"admin", "alice"}) {
      auto r = run_program({cairn_path(), "users", "add", user, "--password-file", password_file(),
                            "--data-dir", data_dir()});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    broker = std::make_unique<BrokerProcess>(
        data_dir(),
        std::vector<std::string>{"--kafka-listen", "", "--sasl-mechanisms", "SCRAM-SHA-256",
                                 "--authorizer", "on", "--super-users", "User:admin"});
    ASSERT_EQ(as("admin", {"topics", "create", "t"}).exit_code, 0);
  }
  std::string data_dir() const { return (tmp.path() / "data").string(); }
  std::string password_file() const { return (tmp.path() / "password").string(); }
  RunResult as(const std::string& user, std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "/usr/bin/env", "CAIRN_USER=" + user, "CAIRN_PASSWORD_FILE=" + password_file(),
        cairn_path(),   "--broker",           broker->address()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  }
  ErrorCode produce_as(const std::string& user) {
    auto conn = client::Connection::connect(
        {.broker = broker->address(), .sasl = {"SCRAM-SHA-256", user, kPassword}});
    if (!conn) return ErrorCode::kSaslAuthenticationFailed;
    auto batch = make_batch({.records = 1});
    protocol::ProduceRequest req;
    req.topics.push_back({"t", {{0, batch}}});
    auto r =
        (*conn)->call<protocol::ProduceRequest, protocol::ProduceResponse>(ApiKey::kProduce, req);
    if (!r || r->body.topics.size() != 1 || r->body.topics[0].partitions.size() != 1) {
      return ErrorCode::kUnknownServerError;
    }
    return r->body.topics[0].partitions[0].error;
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(OnlineSecurity, ASuperUsersGrantAndNewUserApplyAtOnceAndSurviveARestart) {
  EXPECT_EQ(produce_as("alice"), ErrorCode::kTopicAuthorizationFailed);
  auto granted = as(
      "admin", {"acl", "add", "--principal", "User:alice", "--operation", "write", "--topic", "t"});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  EXPECT_EQ(produce_as("alice"), ErrorCode::kNone);
  auto added = as("admin", {"users", "add", "carol", "--password-file", password_file()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(produce_as("carol"), ErrorCode::kTopicAuthorizationFailed) << "carol logs in";
  auto users = as("admin", {"users", "list"});
  EXPECT_NE(users.out.find("carol SCRAM-SHA-256,SCRAM-SHA-512"), std::string::npos) << users.out;
  auto listed = as("admin", {"acl", "list"});
  EXPECT_NE(listed.out.find("User:alice"), std::string::npos) << listed.out;

  broker->restart();
  EXPECT_EQ(produce_as("alice"), ErrorCode::kNone);
  EXPECT_EQ(produce_as("carol"), ErrorCode::kTopicAuthorizationFailed);
  auto revoked = as("admin", {"acl", "remove", "--principal", "User:alice", "--operation", "write",
                              "--topic", "t"});
  ASSERT_EQ(revoked.exit_code, 0) << revoked.err;
  EXPECT_EQ(produce_as("alice"), ErrorCode::kTopicAuthorizationFailed);
  ASSERT_EQ(as("admin", {"users", "remove", "carol"}).exit_code, 0);
  EXPECT_EQ(produce_as("carol"), ErrorCode::kSaslAuthenticationFailed);
}

TEST_F(OnlineSecurity, OnlyAPrincipalAllowedToAlterTheClusterManagesUsersAndAcls) {
  auto grant = as(
      "alice", {"acl", "add", "--principal", "User:alice", "--operation", "all", "--topic", "t"});
  EXPECT_NE(grant.exit_code, 0);
  EXPECT_NE(grant.err.find("CLUSTER_AUTHORIZATION_FAILED"), std::string::npos) << grant.err;
  auto user = as("alice", {"users", "add", "mallory", "--password-file", password_file()});
  EXPECT_NE(user.exit_code, 0);
  EXPECT_NE(as("alice", {"users", "list"}).exit_code, 0);
}

}  // namespace
}  // namespace cairn::testing
