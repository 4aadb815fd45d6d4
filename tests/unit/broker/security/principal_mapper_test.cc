// Principals from certificate subjects (RFC 2253 strings as OpenSSL prints them).

#include "broker/security/principal_mapper.h"

#include <gtest/gtest.h>

namespace cairn::broker::security {
namespace {

std::string map(std::string_view rules, std::string_view subject) {
  auto mapper = PrincipalMapper::parse(rules);
  EXPECT_TRUE(mapper.has_value()) << mapper.status().to_string();
  auto p = mapper->principal_for(subject);
  return p ? *p : "error: " + p.error().message();
}

std::string by_default(std::string_view subject) { return map(kDefaultPrincipalRules, subject); }

TEST(PrincipalMapper, TheDefaultTakesTheCommonName) {
  // The subject tests/unit/tls reads from its client certificate.
  EXPECT_EQ(by_default("CN=client1,O=Cairn Test"), "User:client1");
  EXPECT_EQ(by_default("CN=alice"), "User:alice");
  EXPECT_EQ(by_default("OU=eng,CN=bob,O=Acme"), "User:bob");
  EXPECT_EQ(by_default("CN=first,CN=second"), "User:first");
}

TEST(PrincipalMapper, TheDefaultFallsBackToTheWholeSubjectWithoutAPlainCommonName) {
  EXPECT_EQ(by_default("O=Acme,C=US"), "User:O=Acme,C=US");
  EXPECT_EQ(by_default(R"(CN=Smith\, John,O=Acme)"), R"(User:CN=Smith\, John,O=Acme)");
  EXPECT_EQ(by_default("CN=alice+UID=42,O=Acme"), "User:CN=alice+UID=42,O=Acme");
}

// A CA that puts what a client asks for into O must not let it choose its principal.
TEST(PrincipalMapper, AnEscapedCommaCannotSmuggleInACommonName) {
  EXPECT_EQ(by_default(R"(O=x\,CN=admin,CN=mallory)"), "User:mallory");
  EXPECT_EQ(by_default(R"(CN=mallory\,CN=admin)"), R"(User:CN=mallory\,CN=admin)");
  EXPECT_EQ(by_default(R"(O=x\,CN=admin)"), R"(User:O=x\,CN=admin)");
}

// The examples of Kafka's documentation for ssl.principal.mapping.rules.
TEST(PrincipalMapper, KafkasDocumentedRulesGiveKafkasDocumentedPrincipals) {
  constexpr std::string_view kRules =
      "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,"
      "RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,"
      "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/L,"
      "DEFAULT";
  EXPECT_EQ(map(kRules, "CN=serviceuser,OU=ServiceUsers,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"),
            "User:serviceuser");
  EXPECT_EQ(map(kRules, "CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"),
            "User:adminuser@admin");
  EXPECT_EQ(map(kRules, "CN=Kafka-Client,O=x"), "User:kafka");
  EXPECT_EQ(map(kRules, "O=NoName"), "User:O=NoName");
}

TEST(PrincipalMapper, RulesTakeUpperCaseEscapedSlashesAndSpaces) {
  EXPECT_EQ(map("RULE:^CN=(.*)$/$1/U", "CN=alice"), "User:ALICE");
  EXPECT_EQ(map(R"(RULE:^CN=(.*)\/(.*)$/$2\/$1/)", "CN=a/b"), "User:b/a");
  EXPECT_EQ(map(" RULE:^CN=x$/y/ , DEFAULT ", "CN=z"), "User:CN=z");
}

TEST(PrincipalMapper, WithoutAnApplicableRuleThereIsNoPrincipal) {
  auto mapper = PrincipalMapper::parse("RULE:^CN=(.*)$/$1/");
  ASSERT_TRUE(mapper.has_value());
  auto p = mapper->principal_for("O=Acme");
  ASSERT_FALSE(p.has_value());
  EXPECT_EQ(p.error().code(), Status::Code::kNotFound);
  auto empty = PrincipalMapper::parse("RULE:^CN=(.*)$/$1/");
  EXPECT_FALSE(empty->principal_for("CN=").has_value()) << "an empty name does not apply";
}

TEST(PrincipalMapper, RulesThatDoNotParseAreRefused) {
  for (std::string_view bad : {"", " , ", "RULE:abc", "RULE:abc/def", "FOO", "RULE:(/x/",
                               "DEFAULT x", "RULE:a/b/X"}) {
    EXPECT_FALSE(PrincipalMapper::parse(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace cairn::broker::security
