// cairnd's security settings and the rules between them.

#include "broker/security/security_config.h"

#include <gtest/gtest.h>

namespace cairn::broker::security {
namespace {

SecurityConfig with_tls() {
  SecurityConfig c;
  c.tls_cert = "server.pem";
  c.tls_key = "server.key";
  return c;
}

bool refused_naming(const SecurityConfig& c, const std::string& flag) {
  Status s = c.validate();
  return !s.is_ok() && s.message().find(flag) != std::string::npos;
}

TEST(SecurityConfig, FlagValuesParseAsTheReadmeSpellsThem) {
  auto m = parse_sasl_mechanisms("SCRAM-SHA-256, SCRAM-SHA-512");
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(*m, (std::vector{SaslMechanism::kScramSha256, SaslMechanism::kScramSha512}));
  EXPECT_FALSE(parse_sasl_mechanisms("SCRAM-SHA-1").has_value());
  EXPECT_FALSE(parse_sasl_mechanisms("scram-sha-256").has_value());
  EXPECT_EQ(*parse_super_users("User:admin,User:ops"),
            (std::set<std::string, std::less<>>{"User:admin", "User:ops"}));
  EXPECT_TRUE(*parse_on_off("on"));
  EXPECT_FALSE(*parse_on_off("off"));
  EXPECT_FALSE(parse_on_off("yes").has_value());
}

TEST(SecurityConfig, TheDefaultsAndACompleteSetupAreValid) {
  EXPECT_TRUE(SecurityConfig{}.validate().is_ok());
  SecurityConfig full = with_tls();
  full.tls_client_ca = "ca.pem";
  full.sasl_mechanisms = {SaslMechanism::kScramSha256, SaslMechanism::kScramSha512,
                          SaslMechanism::kPlain};
  full.authorizer = true;
  full.super_users = {"User:admin"};
  full.tls_principal_rules = "RULE:^CN=(.*)$/$1/,DEFAULT";
  EXPECT_TRUE(full.validate().is_ok()) << full.validate().to_string();
  EXPECT_TRUE(full.warnings().empty());
}

TEST(SecurityConfig, FlagsThatDoNotGoTogetherAreRefused) {
  SecurityConfig cert_only;
  cert_only.tls_cert = "server.pem";
  EXPECT_TRUE(refused_naming(cert_only, "--tls-key"));
  SecurityConfig ca_without_tls;
  ca_without_tls.tls_client_ca = "ca.pem";
  EXPECT_TRUE(refused_naming(ca_without_tls, "--tls-client-ca"));
  SecurityConfig plain_without_tls;
  plain_without_tls.sasl_mechanisms = {SaslMechanism::kPlain};
  EXPECT_TRUE(refused_naming(plain_without_tls, "PLAIN"));
  SecurityConfig twice = with_tls();
  twice.sasl_mechanisms = {SaslMechanism::kScramSha256, SaslMechanism::kScramSha256};
  EXPECT_TRUE(refused_naming(twice, "twice"));
  SecurityConfig bad_rules = with_tls();
  bad_rules.tls_principal_rules = "RULE:broken";
  EXPECT_TRUE(refused_naming(bad_rules, "--tls-principal-rules"));
  SecurityConfig bad_super_user;
  bad_super_user.super_users = {"admin"};
  EXPECT_TRUE(refused_naming(bad_super_user, "--super-users"));
  SecurityConfig everyone;
  everyone.super_users = {"User:*"};
  EXPECT_TRUE(refused_naming(everyone, "everyone"));
}

TEST(SecurityConfig, LegalButDoubtfulCombinationsAreWarnedAbout) {
  SecurityConfig anonymous;
  anonymous.authorizer = true;
  ASSERT_EQ(anonymous.warnings().size(), 1u);
  EXPECT_NE(anonymous.warnings()[0].find("User:ANONYMOUS"), std::string::npos);
  SecurityConfig clear;
  clear.sasl_mechanisms = {SaslMechanism::kScramSha256};
  clear.authorizer = true;
  ASSERT_EQ(clear.warnings().size(), 1u);
  EXPECT_NE(clear.warnings()[0].find("in the clear"), std::string::npos);
  SecurityConfig open = with_tls();
  open.sasl_mechanisms = {SaslMechanism::kScramSha256};
  ASSERT_EQ(open.warnings().size(), 1u);
  EXPECT_NE(open.warnings()[0].find("--authorizer is off"), std::string::npos);
}

}  // namespace
}  // namespace cairn::broker::security
