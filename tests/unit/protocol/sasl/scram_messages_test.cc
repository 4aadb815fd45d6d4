// Parsing and formatting of the SCRAM messages and SASL PLAIN, field by field.

#include "protocol/sasl/scram_messages.h"

#include <gtest/gtest.h>

#include "protocol/sasl/plain_message.h"
#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_mechanism.h"

namespace cairn::protocol::sasl {
namespace {

std::string text(const std::vector<std::byte>& b) { return std::string(as_string_view(b)); }

TEST(ScramMessages, ClientFirstKeepsItsHeaderAndBareTextAsSent) {
  auto m = parse_client_first("n,a=us=2Cer,n=us=2Cer,r=abc,x=1,tokenauth=true");
  ASSERT_TRUE(m.has_value()) << m.status().to_string();
  EXPECT_EQ(m->cbind_flag, 'n');
  EXPECT_EQ(m->authzid, "us,er");
  EXPECT_EQ(m->username, "us,er");
  EXPECT_EQ(m->nonce, "abc");
  EXPECT_EQ(m->gs2_header, "n,a=us=2Cer,");
  EXPECT_EQ(m->bare, "n=us=2Cer,r=abc,x=1,tokenauth=true");
  ASSERT_EQ(m->extensions.size(), 2u);
  EXPECT_EQ(m->extensions[1].first, "tokenauth");
  EXPECT_EQ(m->extensions[1].second, "true");
  EXPECT_FALSE(m->mandatory_extension);
}

TEST(ScramMessages, MalformedClientFirstMessagesAreRefused) {
  for (std::string_view bad :
       {"", "n", "n,,", "x,,n=user,r=abc", "n,b=x,n=user,r=abc", "n,,r=abc,n=user", "n,,n=,r=abc",
        "n,,n=us=2Der,r=abc", "n,,n=user=,r=abc", "n,,n=user,r=", "n,,n=user,r=a b",
        "n,,n=user,r=abc,=x", "n,,n=user,r=abc,x", "n,,n=user,r=abc,x-y=1", "p=,,n=user,r=abc",
        "n,,n=user", "n,,m=x,n=user"}) {
    EXPECT_FALSE(parse_client_first(bad).has_value()) << bad;
  }
  std::string nul_name("n,,n=a\0b,r=abc", 15);
  EXPECT_FALSE(parse_client_first(nul_name).has_value());
  EXPECT_FALSE(
      parse_client_first("n,,n=" + std::string(kMaxUsernameBytes + 1, 'u') + ",r=abc").has_value());
  EXPECT_FALSE(
      parse_client_first("n,,n=user,r=" + std::string(kMaxNonceBytes + 1, 'r')).has_value());
  EXPECT_FALSE(parse_client_first("n,,n=user,r=abc,x=" + std::string(kMaxScramMessageBytes, 'x'))
                   .has_value());
}

TEST(ScramMessages, ServerFirstNeedsANonceASaltAndAPositiveCount) {
  auto m = parse_server_first("r=abcdef,s=QSXCR+Q6sek8bf92,i=4096,x=ext");
  ASSERT_TRUE(m.has_value()) << m.status().to_string();
  EXPECT_EQ(m->nonce, "abcdef");
  EXPECT_EQ(m->salt.size(), 12u);
  EXPECT_EQ(m->iterations, 4096u);
  for (std::string_view bad :
       {"", "r=abc", "r=abc,s=QSXCR+Q6sek8bf92", "r=abc,s=,i=4096",
        "r=abc,s=QSXCR+Q6sek8bf9,i=4096", "r=abc,s=QSXCR+Q6sek8bf92,i=",
        "r=abc,s=QSXCR+Q6sek8bf92,i=0", "r=abc,s=QSXCR+Q6sek8bf92,i=04096",
        "r=abc,s=QSXCR+Q6sek8bf92,i=-1", "r=abc,s=QSXCR+Q6sek8bf92,i=4294967296",
        "r=abc,s=QSXCR+Q6sek8bf92,i=12x", "s=QSXCR+Q6sek8bf92,r=abc,i=4096"}) {
    EXPECT_FALSE(parse_server_first(bad).has_value()) << bad;
  }
  auto reserved = parse_server_first("m=x,r=abc,s=QSXCR+Q6sek8bf92,i=4096");
  ASSERT_TRUE(reserved.has_value());
  EXPECT_TRUE(reserved->mandatory_extension);
}

TEST(ScramMessages, ClientFinalSplitsOffItsProof) {
  auto m = parse_client_final("c=biws,r=abc,x=1,p=AAAA");
  ASSERT_TRUE(m.has_value()) << m.status().to_string();
  EXPECT_EQ(text(m->channel_binding), "n,,");
  EXPECT_EQ(m->nonce, "abc");
  EXPECT_EQ(m->without_proof, "c=biws,r=abc,x=1");
  EXPECT_EQ(m->proof.size(), 3u);
  for (std::string_view bad :
       {"", "c=biws", "c=biws,r=abc", "c=biws,p=AAAA", "r=abc,c=biws,p=AAAA",
        "c=biws,r=abc,p=", "c=biws,r=abc,p=AAA", "c=biw,r=abc,p=AAAA", "c=biws,r=abc,p=AAAA,x=1"}) {
    EXPECT_FALSE(parse_client_final(bad).has_value()) << bad;
  }
}

TEST(ScramMessages, ServerFinalIsAVerifierOrAnError) {
  auto v = parse_server_final("v=AAAA");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->signature.size(), 3u);
  EXPECT_FALSE(v->error);
  auto e = parse_server_final("e=invalid-proof");
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->error, "invalid-proof");
  for (std::string_view bad : {"", "v=", "e=", "x=AAAA", "v=AAA"}) {
    EXPECT_FALSE(parse_server_final(bad).has_value()) << bad;
  }
}

TEST(ScramMessages, FormattedMessagesParseBack) {
  EXPECT_EQ(format_client_first("a=b", "xyz"), "n,,n=a=3Db,r=xyz");
  std::vector<std::byte> salt = {std::byte{1}, std::byte{2}, std::byte{3}};
  auto first = parse_server_first(format_server_first("xyz123", salt, 5000));
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->salt, salt);
  EXPECT_EQ(first->iterations, 5000u);
  EXPECT_EQ(format_client_final_without_proof("n,,", "xyz"), "c=biws,r=xyz");
  EXPECT_EQ(format_server_error("other-error"), "e=other-error");
}

TEST(SaslPlain, AMessageHasAnOptionalAuthorizationIdAUserAndAPassword) {
  auto m = parse_plain_message(format_plain_message("alice", "pw"));
  ASSERT_TRUE(m.has_value());
  EXPECT_FALSE(m->authzid);
  EXPECT_EQ(m->username, "alice");
  EXPECT_EQ(m->password, "pw");
  auto with_authzid = parse_plain_message(std::string("admin\0alice\0pw", 14));
  ASSERT_TRUE(with_authzid.has_value());
  EXPECT_EQ(with_authzid->authzid, "admin");
}

TEST(SaslPlain, MalformedMessagesAreRefusedWithoutQuotingThePassword) {
  const std::string bad[] = {"",
                             std::string("alice", 5),
                             std::string("\0alice", 6),
                             std::string("\0\0pw", 4),
                             std::string("\0alice\0", 7),
                             std::string("\0alice\0p\0w", 10),
                             std::string("\0", 1) + std::string(256, 'u') + std::string("\0pw", 3)};
  for (const auto& message : bad) {
    auto m = parse_plain_message(message);
    ASSERT_FALSE(m.has_value());
    EXPECT_EQ(m.error().message().find("pw"), std::string::npos);
  }
}

TEST(ScramCredentials, OnlyIterationCountsFromTheFloorToTheCeilingAreAccepted) {
  EXPECT_FALSE(make_scram_credential(ScramHash::kSha256, "pw", kMinIterations - 1).has_value());
  EXPECT_FALSE(make_scram_credential(ScramHash::kSha256, "pw", kMaxIterations + 1).has_value());
  EXPECT_FALSE(make_scram_credential(ScramHash::kSha256, "", kMinIterations).has_value());
  auto c = make_scram_credential(ScramHash::kSha512, "pw", kMinIterations);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(validate_credential(*c).is_ok());
  EXPECT_EQ(c->salt.size(), kSaltBytes);
  EXPECT_EQ(c->stored_key.size(), 64u);
  EXPECT_EQ(c->server_key.size(), 64u);
}

TEST(ScramCredentials, EachCredentialGetsItsOwnRandomSalt) {
  auto a = make_scram_credential(ScramHash::kSha256, "pw", kMinIterations);
  auto b = make_scram_credential(ScramHash::kSha256, "pw", kMinIterations);
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_NE(a->salt, b->salt);
  EXPECT_NE(a->stored_key, b->stored_key);
}

TEST(ScramCredentials, APasswordIsVerifiedAgainstTheStoredKeyAlone) {
  auto c = make_scram_credential(ScramHash::kSha256, "pw", kMinIterations);
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(*verify_password(*c, "pw"));
  EXPECT_FALSE(*verify_password(*c, "pW"));
  auto broken = *c;
  broken.stored_key.pop_back();
  EXPECT_FALSE(validate_credential(broken).is_ok());
}

TEST(ScramMechanisms, OnlySha256AndSha512AreOfferedByTheirExactNames) {
  EXPECT_EQ(parse_scram_mechanism("SCRAM-SHA-256"), ScramMechanism::kScramSha256);
  EXPECT_EQ(parse_scram_mechanism("SCRAM-SHA-512"), ScramMechanism::kScramSha512);
  EXPECT_FALSE(parse_scram_mechanism("SCRAM-SHA-1"));
  EXPECT_FALSE(parse_scram_mechanism("scram-sha-256"));
  EXPECT_EQ(hash_of(ScramMechanism::kScramSha512), ScramHash::kSha512);
  EXPECT_EQ(scram_mechanism_from_code(1), ScramMechanism::kScramSha256);
  EXPECT_FALSE(scram_mechanism_from_code(3));
}

}  // namespace
}  // namespace cairn::protocol::sasl
