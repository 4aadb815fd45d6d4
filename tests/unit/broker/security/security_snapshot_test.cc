// SharedSecurity: what every core reads is one whole snapshot of the replayed records; a
// publish replaces it for later readers and leaves the snapshots already taken as they were.
#include "broker/security/security_snapshot.h"

#include <gtest/gtest.h>

#include "protocol/sasl/scram_credential.h"

namespace cairn::broker::security {
namespace {

AclBinding allow_read(const std::string& principal, const std::string& topic) {
  return {principal, AclPermission::kAllow, AclOperation::kRead,
          ResourcePattern{ResourceType::kTopic, topic, PatternType::kLiteral}};
}

TEST(SharedSecurity, APublishedStateIsSeenByLaterReadersWhileSnapshotsTakenBeforeStayAsTheyWere) {
  SharedSecurity shared({.enabled = true, .super_users = {"User:admin"}});
  auto before = shared.current();
  EXPECT_FALSE(before->allowed("User:alice", AclOperation::kRead, ResourceType::kTopic, "t"));
  EXPECT_TRUE(before->allowed("User:admin", AclOperation::kRead, ResourceType::kTopic, "t"));

  SecurityState state;
  auto credential = protocol::sasl::make_scram_credential(protocol::sasl::ScramHash::kSha256,
                                                          "secret", protocol::sasl::kMinIterations);
  ASSERT_TRUE(credential.has_value());
  ASSERT_TRUE(
      state.apply(CredentialChange{"alice", ScramMechanism::kScramSha256, *credential}).is_ok());
  ASSERT_TRUE(state.apply(AclChange{allow_read("User:alice", "t"), true}).is_ok());
  shared.publish(state);

  auto after = shared.current();
  EXPECT_TRUE(after->allowed("User:alice", AclOperation::kRead, ResourceType::kTopic, "t"));
  EXPECT_TRUE(after->credentials.find("alice", ScramMechanism::kScramSha256).has_value());
  EXPECT_FALSE(before->allowed("User:alice", AclOperation::kRead, ResourceType::kTopic, "t"));
  EXPECT_FALSE(before->credentials.find("alice", ScramMechanism::kScramSha256).has_value());
}

TEST(SharedSecurity, WithTheAuthorizerOffEverySnapshotAllowsEverything) {
  SharedSecurity shared({});
  EXPECT_FALSE(shared.authorizer_enabled());
  EXPECT_TRUE(shared.current()->allowed("User:ANONYMOUS", AclOperation::kDelete,
                                        ResourceType::kTopic, "t"));
}

}  // namespace
}  // namespace cairn::broker::security
