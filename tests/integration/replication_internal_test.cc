// Replication of the broker's own topics between two real cairnd processes: after a failover
// the promoted follower has the groups' committed offsets (`__consumer_offsets`) and the users
// and ACLs (`__cairn_security`) the old leader had, and a follower logs in to a SASL leader.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "client/src/connection.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

constexpr const char* kPassword = "correct horse battery staple";
constexpr int32_t kOffsetsPartitions = 8;

// Every stored batch of a partition from offset 0, as a consumer (Fetch v0) reads it; nullopt
// when the broker cannot be asked.
std::optional<std::vector<std::byte>> read_all(const std::string& address, const std::string& topic,
                                               int32_t partition) {
  auto conn = client::Connection::connect({.broker = address});
  if (!conn) return std::nullopt;
  std::vector<std::byte> out;
  int64_t next = 0;
  for (;;) {
    protocol::FetchRequest f;
    f.max_wait_ms = 0;
    f.min_bytes = 0;
    f.topics.push_back({topic, {{partition, next, 4u << 20}}});
    auto r = (*conn)->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, f);
    if (!r) return std::nullopt;
    const auto& p = r->body.topics.at(0).partitions.at(0);
    if (p.error != ErrorCode::kNone) return std::nullopt;
    if (p.records.empty()) return out;
    protocol::BatchIterator batches(p.records, protocol::Verify::kStored);
    while (auto b = batches.next()) next = b->header().next_offset().value();
    out.insert(out.end(), p.records.begin(), p.records.end());
  }
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The committed offset of partition 0 of `topic` in `cairn groups describe` output; -1: none.
int64_t committed_offset(const std::string& describe, const std::string& topic) {
  for (const auto& line : lines_of(describe)) {
    std::istringstream in(line);
    std::string t, committed;
    int32_t partition = -1;
    if (in >> t >> partition >> committed && t == topic && partition == 0) {
      return committed == "-" ? -1 : std::stoll(committed);
    }
  }
  return -1;
}

TEST(ReplicationOfInternalTopics,
     APromotedFollowerResumesAGroupAtTheOffsetItCommittedOnTheOldLeader) {
  TempDir tmp;
  auto leader = std::make_unique<BrokerProcess>(tmp.path() / "leader");
  ASSERT_EQ(cli(leader->address(), {"topics", "create", "t"}).exit_code, 0);
  auto lines = tmp.path() / "lines";
  std::ofstream(lines) << "a\nb\nc\nd\ne\n";
  ASSERT_EQ(cli(leader->address(), {"produce", "t"}, lines).exit_code, 0);
  BrokerProcess follower(tmp.path() / "follower",
                         {"--replica-of", leader->address(), "--node-id", "1"});
  auto first = cli(leader->address(), {"consume", "t", "--group", "g", "--count", "3",
                                       "--timeout-ms", "30000", "--format", "{offset}"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  ASSERT_EQ(first.out, "0\n1\n2\n");
  ASSERT_EQ(committed_offset(cli(leader->address(), {"groups", "describe", "g"}).out, "t"), 3);
  // The follower holds the leader's committed offsets, byte for byte.
  ASSERT_TRUE(eventually([&] {
    size_t bytes = 0;
    for (int32_t p = 0; p < kOffsetsPartitions; ++p) {
      auto a = read_all(leader->address(), "__consumer_offsets", p);
      auto b = read_all(follower.address(), "__consumer_offsets", p);
      if (!a || !b || *a != *b) return false;
      bytes += a->size();
    }
    return bytes > 0;
  }));

  leader->kill9();
  leader.reset();
  auto promotion = cli(follower.address(), {"admin", "promote"});
  ASSERT_EQ(promotion.exit_code, 0) << promotion.out << promotion.err;
  EXPECT_EQ(committed_offset(cli(follower.address(), {"groups", "describe", "g"}).out, "t"), 3);
  auto rest = cli(follower.address(), {"consume", "t", "--group", "g", "--count", "2",
                                       "--timeout-ms", "30000", "--format", "{offset}"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(rest.out, "3\n4\n");
}

class SaslReplication : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(password_file(), std::string(kPassword) + "\n");
    for (const char* user : {"admin", "replicator"}) {
      auto r = run_program({cairn_path(), "users", "add", user, "--password-file", password_file(),
                            "--data-dir", dir("leader")});
      ASSERT_EQ(r.exit_code, 0) << r.err;
    }
    auto granted =
        run_program({cairn_path(), "acl", "add", "--principal", "User:replicator", "--operation",
                     "cluster-action", "--cluster", "--data-dir", dir("leader")});
    ASSERT_EQ(granted.exit_code, 0) << granted.err;
    leader = std::make_unique<BrokerProcess>(dir("leader"), secured({}));
  }
  std::string dir(const std::string& name) const { return (tmp.path() / name).string(); }
  std::string password_file() const { return (tmp.path() / "password").string(); }
  static std::vector<std::string> secured(std::vector<std::string> args) {
    args.insert(args.end(), {"--kafka-listen", "", "--sasl-mechanisms", "SCRAM-SHA-256",
                             "--authorizer", "on", "--super-users", "User:admin"});
    return args;
  }
  RunResult as(const std::string& user, const std::string& broker, std::vector<std::string> args) {
    std::vector<std::string> argv = {
        "/usr/bin/env", "CAIRN_USER=" + user, "CAIRN_PASSWORD_FILE=" + password_file(),
        cairn_path(),   "--broker",           broker};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  }
  // Produces one record to t as `user`: the partition's error, or SASL_AUTHENTICATION_FAILED
  // when the login fails.
  static ErrorCode produce_as(const std::string& broker, const std::string& user) {
    auto conn =
        client::Connection::connect({.broker = broker, .sasl = {"SCRAM-SHA-256", user, kPassword}});
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
  std::unique_ptr<BrokerProcess> start_follower(const std::string& user) {
    return std::make_unique<BrokerProcess>(
        dir("follower"),
        secured({"--replica-of", leader->address(), "--node-id", "1", "--replica-user", user,
                 "--replica-password-file", password_file()}));
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> leader;
};

TEST_F(SaslReplication, UsersAndAclsMadeOnTheLeaderWorkOnThePromotedFollower) {
  ASSERT_EQ(as("admin", leader->address(), {"topics", "create", "t"}).exit_code, 0);
  auto follower = start_follower("replicator");
  // Made online on the leader while the follower copies.
  auto added =
      as("admin", leader->address(), {"users", "add", "alice", "--password-file", password_file()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto granted =
      as("admin", leader->address(),
         {"acl", "add", "--principal", "User:alice", "--operation", "write", "--topic", "t"});
  ASSERT_EQ(granted.exit_code, 0) << granted.err;
  ASSERT_EQ(produce_as(leader->address(), "alice"), ErrorCode::kNone);
  // Alice logs in to the follower (which refuses her produce: it follows).
  ASSERT_TRUE(eventually(
      [&] { return produce_as(follower->address(), "alice") == ErrorCode::kNotLeader; }));
  // A follower's users and ACLs are the leader's: it refuses changes of its own.
  EXPECT_NE(
      as("admin", follower->address(), {"users", "add", "bob", "--password-file", password_file()})
          .exit_code,
      0);

  leader->kill9();
  auto promotion = as("admin", follower->address(), {"admin", "promote"});
  ASSERT_EQ(promotion.exit_code, 0) << promotion.out << promotion.err;
  EXPECT_EQ(produce_as(follower->address(), "alice"), ErrorCode::kNone);
  EXPECT_EQ(produce_as(follower->address(), "replicator"), ErrorCode::kTopicAuthorizationFailed);
  EXPECT_EQ(produce_as(follower->address(), "bob"), ErrorCode::kSaslAuthenticationFailed);
}

TEST_F(SaslReplication, AFollowerWhoseUserMayNotClusterActionCopiesNothing) {
  ASSERT_EQ(as("admin", leader->address(), {"topics", "create", "t"}).exit_code, 0);
  auto added = as("admin", leader->address(),
                  {"users", "add", "mallory", "--password-file", password_file()});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto follower = start_follower("mallory");
  ASSERT_TRUE(eventually([&] {
    return follower->log().find("CLUSTER_AUTHORIZATION_FAILED") != std::string::npos;
  })) << follower->log();
  EXPECT_EQ(produce_as(follower->address(), "admin"), ErrorCode::kSaslAuthenticationFailed);
}

}  // namespace
}  // namespace cairn::testing
