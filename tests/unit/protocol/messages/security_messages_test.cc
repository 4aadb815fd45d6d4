// The bodies of protocol/messages/sasl.h and security_admin.h: each round trips field for field,
// its decoder refuses every truncation and a trailing byte, and counts past their bounds are
// refused before anything is allocated.
#include <gtest/gtest.h>

#include "protocol/messages/sasl.h"
#include "protocol/messages/security_admin.h"
#include "tests/unit/protocol/body_test_util.h"

namespace cairn::protocol {
namespace {

using testing::round_trip;

TEST(SaslMessages, RoundTripAndRefuseEveryTruncation) {
  EXPECT_EQ(round_trip(SaslHandshakeRequest{"SCRAM-SHA-256"}).mechanism, "SCRAM-SHA-256");
  auto hello = round_trip(SaslHandshakeResponse{ErrorCode::kUnsupportedSaslMechanism,
                                                {"SCRAM-SHA-256", "SCRAM-SHA-512"}});
  EXPECT_EQ(hello.error, ErrorCode::kUnsupportedSaslMechanism);
  EXPECT_EQ(hello.mechanisms, (std::vector<std::string>{"SCRAM-SHA-256", "SCRAM-SHA-512"}));
  std::string binary("n,,n=alice,r=\0\xff", 15);
  EXPECT_EQ(round_trip(SaslAuthenticateRequest{binary}).auth_bytes, binary);
  auto answer =
      round_trip(SaslAuthenticateResponse{ErrorCode::kSaslAuthenticationFailed, "no", "v=x"});
  EXPECT_EQ(answer.error, ErrorCode::kSaslAuthenticationFailed);
  EXPECT_EQ(answer.message, "no");
  EXPECT_EQ(answer.auth_bytes, "v=x");
}

TEST(SecurityAdminMessages, RoundTripAndRefuseEveryTruncation) {
  WireAclBinding b{2, "orders", 4, "User:alice", 4, 3};
  EXPECT_EQ(round_trip(CreateAclsRequest{{b, b}}).creations, (std::vector<WireAclBinding>{b, b}));
  auto described = round_trip(DescribeAclsResponse{ErrorCode::kNone, "", {b}});
  EXPECT_EQ(described.bindings, std::vector<WireAclBinding>{b});
  auto filter = round_trip(DescribeAclsRequest{{1, "", 2, "User:alice", 1, 1}}).filter;
  EXPECT_EQ(filter.pattern_type, 2);
  EXPECT_EQ(filter.principal, "User:alice");
  auto deleted = round_trip(DeleteAclsResponse{{{ErrorCode::kNone, "", {b}}}});
  ASSERT_EQ(deleted.results.size(), 1u);
  EXPECT_EQ(deleted.results[0].deleted, std::vector<WireAclBinding>{b});

  AlterUserScramCredentialsRequest alter;
  alter.deletions = {{"bob", 2}};
  alter.upsertions = {{"alice", 1, 8192, std::vector<std::byte>(32, std::byte{7}),
                       std::vector<std::byte>(32, std::byte{9})}};
  auto altered = round_trip(alter);
  ASSERT_EQ(altered.upsertions.size(), 1u);
  EXPECT_EQ(altered.deletions[0].name, "bob");
  EXPECT_EQ(altered.upsertions[0].iterations, 8192);
  EXPECT_EQ(altered.upsertions[0].salted_password, alter.upsertions[0].salted_password);
  auto users = round_trip(DescribeUserScramCredentialsResponse{
      ErrorCode::kNone, "", {{"alice", ErrorCode::kNone, {{1, 8192}, {2, 4096}}}}});
  ASSERT_EQ(users.users.size(), 1u);
  EXPECT_EQ(users.users[0].credentials.size(), 2u);
  EXPECT_EQ(users.users[0].credentials[1].iterations, 4096);
}

TEST(SecurityAdminMessages, ACountPastItsBoundIsRefusedBeforeAllocating) {
  std::vector<std::byte> body;
  Encoder e(body);
  e.write<uint32_t>(0xffffffff);
  EXPECT_FALSE(CreateAclsRequest::decode(body, 0).has_value());
  EXPECT_FALSE(DeleteAclsRequest::decode(body, 0).has_value());
  EXPECT_FALSE(DescribeUserScramCredentialsRequest::decode(body, 0).has_value());
  EXPECT_FALSE(AlterUserScramCredentialsRequest::decode(body, 0).has_value());
}

}  // namespace
}  // namespace cairn::protocol
