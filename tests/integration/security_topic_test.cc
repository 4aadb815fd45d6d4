// `__cairn_security` holds every user's salted SCRAM verifiers and every ACL binding: no client
// request reads it, whoever asks (the known hole of a broker without this: any client could
// fetch the verifiers and attack them offline). Against the real cairnd, over the wire.
#include <gtest/gtest.h>

#include "client/src/connection.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "tests/support/broker_process.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

constexpr const char* kSecurityTopic = "__cairn_security";

class SecurityTopic : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp.path() / "password", "correct horse battery staple\n");
    auto added = run_program({cairn_path(), "users", "add", "alice", "--password-file",
                              (tmp.path() / "password").string(), "--data-dir", data_dir()});
    ASSERT_EQ(added.exit_code, 0) << added.err;
    broker = std::make_unique<BrokerProcess>(data_dir());
    auto c = client::Connection::connect({.broker = broker->address()});
    ASSERT_TRUE(c.has_value()) << c.error().to_string();
    conn = std::move(*c);
  }
  std::string data_dir() const { return (tmp.path() / "data").string(); }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
  std::unique_ptr<client::Connection> conn;
};

TEST_F(SecurityTopic, AFetchOfTheSecurityTopicIsRefusedAndCarriesNoRecords) {
  protocol::FetchRequest req;
  req.max_wait_ms = 0;
  req.topics.push_back({kSecurityTopic, {{0, 0, 1 << 20}}});
  auto reply = conn->call<protocol::FetchRequest, protocol::FetchResponse>(ApiKey::kFetch, req);
  ASSERT_TRUE(reply.has_value()) << reply.error().to_string();
  ASSERT_EQ(reply->body.topics.size(), 1u);
  ASSERT_EQ(reply->body.topics[0].partitions.size(), 1u);
  const auto& p = reply->body.topics[0].partitions[0];
  EXPECT_EQ(p.error, ErrorCode::kInvalidTopicName);
  EXPECT_TRUE(p.records.empty());
  EXPECT_EQ(p.external_size, 0u);
}

TEST_F(SecurityTopic, ListOffsetsAndMetadataDoNotDescribeTheSecurityTopic) {
  protocol::ListOffsetsRequest offsets;
  offsets.topics.push_back({kSecurityTopic, {{0, protocol::kLatestTimestamp}}});
  auto listed = conn->call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
      ApiKey::kListOffsets, offsets);
  ASSERT_TRUE(listed.has_value()) << listed.error().to_string();
  ASSERT_EQ(listed->body.topics.size(), 1u);
  ASSERT_EQ(listed->body.topics[0].partitions.size(), 1u);
  EXPECT_EQ(listed->body.topics[0].partitions[0].error, ErrorCode::kInvalidTopicName);

  protocol::MetadataRequest named{std::vector<std::string>{kSecurityTopic}};
  auto described =
      conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(ApiKey::kMetadata, named);
  ASSERT_TRUE(described.has_value()) << described.error().to_string();
  ASSERT_EQ(described->body.topics.size(), 1u);
  EXPECT_EQ(described->body.topics[0].error, ErrorCode::kInvalidTopicName);
  EXPECT_TRUE(described->body.topics[0].partitions.empty());
}

TEST_F(SecurityTopic, TheCommandLineCannotConsumeIt) {
  auto consumed = cli(broker->address(), {"consume", kSecurityTopic, "--offset", "0", "--count",
                                          "1", "--timeout-ms", "2000"});
  EXPECT_NE(consumed.exit_code, 0);
  EXPECT_EQ(consumed.out, "");
}

}  // namespace
}  // namespace cairn::testing
