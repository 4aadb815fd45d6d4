// One connection's SASL authentication, driven as a session would drive it.

#include "broker/security/sasl_authenticator.h"

#include <gtest/gtest.h>

#include "broker/security/credential_store.h"
#include "protocol/sasl/plain_message.h"
#include "protocol/sasl/scram_client.h"

namespace cairn::broker::security {
namespace {

namespace sasl = protocol::sasl;
using Outcome = SaslAuthenticator::Step::Outcome;

class Sasl : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto m : sasl::kScramMechanisms) {
      auto c = sasl::make_scram_credential(sasl::hash_of(m), "pw", sasl::kMinIterations);
      ASSERT_TRUE(c.has_value());
      ASSERT_TRUE(store_.set("alice", m, *c).is_ok());
    }
  }

  SaslAuthenticator authenticator(std::vector<SaslMechanism> enabled, bool tls = false) {
    return SaslAuthenticator(SaslOptions{std::move(enabled), tls,
                                         [this](std::string_view user, sasl::ScramMechanism m) {
                                           return store_.find(user, m);
                                         }});
  }

  // Runs a SCRAM exchange through the authenticator, as SaslAuthenticate requests carry it.
  static SaslAuthenticator::Step scram(SaslAuthenticator& a, sasl::ScramMechanism m,
                                       std::string user, std::string password) {
    sasl::ScramClient client({sasl::hash_of(m), std::move(user), std::move(password)});
    auto first = a.authenticate(*client.client_first());
    if (first.outcome != Outcome::kContinue) return first;
    auto final_message = client.receive_server_first(first.reply);
    EXPECT_TRUE(final_message.has_value());
    auto last = a.authenticate(*final_message);
    if (last.outcome == Outcome::kAuthenticated) {
      EXPECT_TRUE(client.receive_server_final(last.reply).is_ok()) << "the server proves itself";
    }
    return last;
  }

  CredentialStore store_;
};

TEST_F(Sasl, ScramAuthenticatesTheUserAsItsPrincipal) {
  for (auto [m, name] : {std::pair{sasl::ScramMechanism::kScramSha256, "SCRAM-SHA-256"},
                         std::pair{sasl::ScramMechanism::kScramSha512, "SCRAM-SHA-512"}}) {
    auto a = authenticator({SaslMechanism::kScramSha256, SaslMechanism::kScramSha512});
    EXPECT_EQ(a.handshake(name).outcome, Outcome::kContinue);
    EXPECT_EQ(scram(a, m, "alice", "pw").outcome, Outcome::kAuthenticated) << name;
    EXPECT_TRUE(a.authenticated());
    EXPECT_EQ(a.principal(), "User:alice");
  }
}

TEST_F(Sasl, AWrongPasswordOrAnUnknownUserFailsForGood) {
  for (auto [user, password] : {std::pair{"alice", "wrong"}, std::pair{"mallory", "pw"}}) {
    auto a = authenticator({SaslMechanism::kScramSha256});
    ASSERT_EQ(a.handshake("SCRAM-SHA-256").outcome, Outcome::kContinue);
    auto step = scram(a, sasl::ScramMechanism::kScramSha256, user, password);
    EXPECT_EQ(step.outcome, Outcome::kFailed) << user;
    EXPECT_TRUE(step.reply.empty());
    EXPECT_EQ(a.state(), SaslAuthenticator::State::kFailed);
    EXPECT_EQ(a.authenticate("n,,n=alice,r=x").outcome, Outcome::kIllegalState);
    EXPECT_TRUE(a.principal().empty());
  }
}

TEST_F(Sasl, AMechanismThatIsNotEnabledIsUnsupportedAndTheOthersAreOffered) {
  auto a = authenticator({SaslMechanism::kScramSha512});
  EXPECT_EQ(a.handshake("SCRAM-SHA-256").outcome, Outcome::kUnsupportedMechanism);
  EXPECT_EQ(a.handshake("GSSAPI").outcome, Outcome::kUnsupportedMechanism);
  EXPECT_EQ(a.offered_mechanisms(), std::vector<std::string>{"SCRAM-SHA-512"});
  EXPECT_EQ(a.handshake("SCRAM-SHA-512").outcome, Outcome::kContinue) << "a client may try again";
}

TEST_F(Sasl, RequestsOutOfTurnAreIllegal) {
  auto before = authenticator({SaslMechanism::kScramSha256});
  EXPECT_EQ(before.authenticate("n,,n=alice,r=x").outcome, Outcome::kIllegalState);
  auto twice = authenticator({SaslMechanism::kScramSha256});
  ASSERT_EQ(twice.handshake("SCRAM-SHA-256").outcome, Outcome::kContinue);
  EXPECT_EQ(twice.handshake("SCRAM-SHA-256").outcome, Outcome::kIllegalState);
  auto after = authenticator({SaslMechanism::kScramSha256});
  ASSERT_EQ(after.handshake("SCRAM-SHA-256").outcome, Outcome::kContinue);
  ASSERT_EQ(scram(after, sasl::ScramMechanism::kScramSha256, "alice", "pw").outcome,
            Outcome::kAuthenticated);
  EXPECT_EQ(after.handshake("SCRAM-SHA-256").outcome, Outcome::kIllegalState);
}

TEST_F(Sasl, PlainIsOfferedOnlyOnTlsConnectionsAndOnlyWhenEnabled) {
  auto plaintext = authenticator({SaslMechanism::kScramSha256, SaslMechanism::kPlain}, false);
  EXPECT_EQ(plaintext.offered_mechanisms(), std::vector<std::string>{"SCRAM-SHA-256"});
  EXPECT_EQ(plaintext.handshake("PLAIN").outcome, Outcome::kUnsupportedMechanism);
  auto not_enabled = authenticator({SaslMechanism::kScramSha256}, true);
  EXPECT_EQ(not_enabled.handshake("PLAIN").outcome, Outcome::kUnsupportedMechanism);
  auto tls = authenticator({SaslMechanism::kScramSha256, SaslMechanism::kPlain}, true);
  EXPECT_EQ(tls.offered_mechanisms(), (std::vector<std::string>{"SCRAM-SHA-256", "PLAIN"}));
  ASSERT_EQ(tls.handshake("PLAIN").outcome, Outcome::kContinue);
  EXPECT_EQ(tls.authenticate(sasl::format_plain_message("alice", "pw")).outcome,
            Outcome::kAuthenticated);
  EXPECT_EQ(tls.principal(), "User:alice");
}

TEST_F(Sasl, PlainRefusesAWrongPasswordAnUnknownUserAndAnotherIdentity) {
  const std::string attempts[] = {sasl::format_plain_message("alice", "wrong"),
                                  sasl::format_plain_message("mallory", "pw"),
                                  std::string("admin\0alice\0pw", 14), std::string("garbage")};
  for (const auto& attempt : attempts) {
    auto a = authenticator({SaslMechanism::kPlain}, true);
    ASSERT_EQ(a.handshake("PLAIN").outcome, Outcome::kContinue);
    EXPECT_EQ(a.authenticate(attempt).outcome, Outcome::kFailed);
    EXPECT_FALSE(a.authenticated());
  }
}

TEST_F(Sasl, FramesAreCappedAt512KiBUntilAuthenticated) {
  auto a = authenticator({SaslMechanism::kScramSha256});
  EXPECT_EQ(a.frame_limit(16u << 20), 512u * 1024);
  EXPECT_EQ(a.frame_limit(4096), 4096u);
  ASSERT_EQ(a.handshake("SCRAM-SHA-256").outcome, Outcome::kContinue);
  ASSERT_EQ(scram(a, sasl::ScramMechanism::kScramSha256, "alice", "pw").outcome,
            Outcome::kAuthenticated);
  EXPECT_EQ(a.frame_limit(16u << 20), 16u << 20);
}

}  // namespace
}  // namespace cairn::broker::security
