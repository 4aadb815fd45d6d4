// Whole exchanges between ScramClient and ScramServer, and what each refuses.

#include <gtest/gtest.h>

#include "protocol/sasl/scram_messages.h"
#include "tests/unit/protocol/sasl/scram_test_util.h"

namespace cairn::protocol::sasl {
namespace {

using testing::base64_encode;
using testing::client_options;
using testing::credential;
using testing::fixed_nonce;
using testing::server_for;

constexpr uint32_t kIterations = 4096;

struct Exchange {
  Status client_status;  // the first failure on the client's side, or OK
  bool server_authenticated = false;
  std::optional<ScramFailure> server_failure;
  std::optional<ScramFailure> client_failure;
};

Exchange run(ScramClient& client, ScramServer& server) {
  Exchange x;
  auto first = client.client_first();
  if (!first) return {first.error(), false, server.failure(), client.failure()};
  auto server_first = server.receive(*first);
  if (!server_first) return {Status::ok(), false, server.failure(), client.failure()};
  auto client_final = client.receive_server_first(*server_first);
  if (!client_final) return {client_final.error(), false, server.failure(), client.failure()};
  auto server_final = server.receive(*client_final);
  if (!server_final) return {Status::ok(), false, server.failure(), client.failure()};
  x.client_status = client.receive_server_final(*server_final);
  x.server_authenticated = server.authenticated();
  x.client_failure = client.failure();
  return x;
}

TEST(ScramExchange, ClientAndServerAuthenticateEachOtherWithSha512) {
  auto server = server_for(ScramHash::kSha512, "alice",
                           credential(ScramHash::kSha512, "correct horse", kIterations));
  ScramClient client(client_options(ScramHash::kSha512, "alice", "correct horse"));
  Exchange x = run(client, server);
  EXPECT_TRUE(x.client_status.is_ok()) << x.client_status.to_string();
  EXPECT_TRUE(x.server_authenticated);
  EXPECT_TRUE(client.authenticated());
  EXPECT_EQ(server.username(), "alice");
}

TEST(ScramExchange, ClientAndServerAuthenticateEachOtherWithSha256AndRandomNonces) {
  auto c = credential(ScramHash::kSha256, "s3cret", kDefaultIterations);
  for (int i = 0; i < 2; ++i) {
    auto server = server_for(ScramHash::kSha256, "bob", c);
    ScramClient client(client_options(ScramHash::kSha256, "bob", "s3cret"));
    Exchange x = run(client, server);
    EXPECT_TRUE(x.server_authenticated);
    EXPECT_TRUE(x.client_status.is_ok());
  }
}

TEST(ScramExchange, AWrongPasswordFailsAtTheProof) {
  auto server =
      server_for(ScramHash::kSha256, "alice", credential(ScramHash::kSha256, "right", kIterations));
  ScramClient client(client_options(ScramHash::kSha256, "alice", "wrong"));
  Exchange x = run(client, server);
  EXPECT_FALSE(x.server_authenticated);
  EXPECT_EQ(x.server_failure, ScramFailure::kInvalidProof);
}

TEST(ScramExchange, AnUnknownUserFailsAtTheProofLikeAWrongPassword) {
  auto server =
      server_for(ScramHash::kSha256, "alice", credential(ScramHash::kSha256, "right", kIterations));
  ScramClient client(client_options(ScramHash::kSha256, "mallory", "right"));
  Exchange x = run(client, server);
  EXPECT_FALSE(x.server_authenticated);
  EXPECT_EQ(x.server_failure, ScramFailure::kInvalidProof);
}

// Asking twice about an unknown user gets the same salt, so the answer does not give away that
// the user does not exist.
TEST(ScramExchange, AnUnknownUserGetsTheSameWellFormedSaltEveryTime) {
  std::string salts[2];
  for (auto& salt : salts) {
    auto server = server_for(ScramHash::kSha256, "alice",
                             credential(ScramHash::kSha256, "right", kIterations));
    auto reply = server.receive("n,,n=mallory,r=abcdefgh");
    ASSERT_TRUE(reply.has_value());
    auto parsed = parse_server_first(*reply);
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->salt.size(), kSaltBytes);
    EXPECT_GE(parsed->iterations, kMinIterations);
    salt = base64_encode(parsed->salt);
  }
  EXPECT_EQ(salts[0], salts[1]);
}

ScramServer rfc_server() {
  return server_for(ScramHash::kSha256, "user",
                    credential(ScramHash::kSha256, "pencil", 4096, "W22ZaJ0SNY7soEsUEjb6gQ=="),
                    fixed_nonce("%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0"));
}
constexpr std::string_view kRfcClientFirst = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr std::string_view kRfcNonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr std::string_view kRfcProof = "dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

TEST(ScramExchange, ATamperedClientProofIsRefused) {
  auto proof = testing::from_base64(kRfcProof);
  for (size_t byte : {size_t{0}, proof.size() / 2, proof.size() - 1}) {
    auto tampered = proof;
    tampered[byte] ^= std::byte{0x01};
    auto server = rfc_server();
    ASSERT_TRUE(server.receive(kRfcClientFirst).has_value());
    auto reply =
        server.receive("c=biws,r=" + std::string(kRfcNonce) + ",p=" + base64_encode(tampered));
    EXPECT_FALSE(reply.has_value());
    EXPECT_EQ(server.failure(), ScramFailure::kInvalidProof);
  }
}

// A client-final captured from one exchange, replayed into another that began the same way:
// the server's fresh nonce differs, so the replay fails.
TEST(ScramExchange, AClientFinalReplayedIntoAnotherExchangeIsRefused) {
  auto c = credential(ScramHash::kSha256, "pw", kIterations);
  auto first_server = server_for(ScramHash::kSha256, "alice", c);
  ScramClient client(client_options(ScramHash::kSha256, "alice", "pw"));
  auto client_first = client.client_first();
  auto server_first = first_server.receive(*client_first);
  auto client_final = client.receive_server_first(*server_first);
  ASSERT_TRUE(client_final.has_value());
  ASSERT_TRUE(first_server.receive(*client_final).has_value());

  auto second_server = server_for(ScramHash::kSha256, "alice", c);
  ASSERT_TRUE(second_server.receive(*client_first).has_value());
  EXPECT_FALSE(second_server.receive(*client_final).has_value());
  EXPECT_EQ(second_server.failure(), ScramFailure::kNonceMismatch);
}

TEST(ScramExchange, AnAlteredNonceInClientFinalIsRefused) {
  for (std::string nonce : {std::string(kRfcNonce) + "x", std::string(kRfcNonce.substr(1)),
                            std::string("rOprNGfwEbeRWgbNEkqO")}) {
    auto server = rfc_server();
    ASSERT_TRUE(server.receive(kRfcClientFirst).has_value());
    EXPECT_FALSE(server.receive("c=biws,r=" + nonce + ",p=" + std::string(kRfcProof)).has_value());
    EXPECT_EQ(server.failure(), ScramFailure::kNonceMismatch) << nonce;
  }
}

TEST(ScramExchange, AChannelBindingThatDoesNotRepeatTheGs2HeaderIsRefused) {
  auto server = rfc_server();
  ASSERT_TRUE(server.receive(kRfcClientFirst).has_value());
  // "eSws" is "y,,": the client-first said "n,,".
  EXPECT_FALSE(server.receive("c=eSws,r=" + std::string(kRfcNonce) + ",p=" + std::string(kRfcProof))
                   .has_value());
  EXPECT_EQ(server.failure(), ScramFailure::kChannelBindingMismatch);
}

TEST(ScramExchange, AClientAskingForChannelBindingIsRefused) {
  auto server = rfc_server();
  EXPECT_FALSE(server.receive("p=tls-server-end-point,,n=user,r=abc").has_value());
  EXPECT_EQ(server.failure(), ScramFailure::kUnsupportedChannelBinding);
}

// "y" says the client could bind the channel but thinks the server cannot; a server that
// offers no -PLUS mechanism goes on (RFC 5802 section 6).
TEST(ScramExchange, AClientThatCouldBindTheChannelIsServed) {
  auto server = rfc_server();
  EXPECT_TRUE(server.receive("y,,n=user,r=abc").has_value());
}

TEST(ScramExchange, TheReservedMandatoryExtensionAndDelegationTokensAreRefused) {
  for (std::string_view message : {"n,,m=ext,n=user,r=abc", "n,,n=user,r=abc,tokenauth=true"}) {
    auto server = rfc_server();
    EXPECT_FALSE(server.receive(message).has_value()) << message;
    EXPECT_EQ(server.failure(), ScramFailure::kUnsupportedExtension) << message;
  }
  auto server = rfc_server();
  EXPECT_TRUE(server.receive("n,,n=user,r=abc,x=ignored").has_value());
}

TEST(ScramExchange, AnAuthorizationIdentityIsAcceptedOnlyForTheUserItself) {
  auto same = rfc_server();
  EXPECT_TRUE(same.receive("n,a=user,n=user,r=abc").has_value());
  auto other = rfc_server();
  EXPECT_FALSE(other.receive("n,a=admin,n=user,r=abc").has_value());
  EXPECT_EQ(other.failure(), ScramFailure::kUnsupportedAuthorizationId);
}

TEST(ScramExchange, AMessageAfterTheExchangeEndedIsRefused) {
  auto server = server_for(ScramHash::kSha256, "alice", credential(ScramHash::kSha256, "pw", 4096));
  ScramClient client(client_options(ScramHash::kSha256, "alice", "pw"));
  ASSERT_TRUE(run(client, server).server_authenticated);
  EXPECT_FALSE(server.receive("n,,n=alice,r=again").has_value());
  EXPECT_EQ(server.failure(), ScramFailure::kUnexpectedMessage);
  EXPECT_FALSE(server.authenticated());
}

TEST(ScramExchange, AUserNameWithCommasAndEqualsSignsIsEscapedAndUnescaped) {
  auto c = credential(ScramHash::kSha256, "pw", kIterations);
  auto server = server_for(ScramHash::kSha256, "a,b=c", c);
  auto options = client_options(ScramHash::kSha256, "a,b=c", "pw");
  options.make_nonce = fixed_nonce("nonce");
  ScramClient client(std::move(options));
  auto first = client.client_first();
  EXPECT_EQ(*first, "n,,n=a=2Cb=3Dc,r=nonce");
  auto server_first = server.receive(*first);
  auto final_message = client.receive_server_first(*server_first);
  EXPECT_TRUE(server.receive(*final_message).has_value());
  EXPECT_EQ(server.username(), "a,b=c");
}

// --- What the client refuses from a server -----------------------------------------------------

ScramClient rfc_client() {
  auto options = client_options(ScramHash::kSha256, "user", "pencil");
  options.make_nonce = fixed_nonce("rOprNGfwEbeRWgbNEkqO");
  ScramClient client(std::move(options));
  EXPECT_TRUE(client.client_first().has_value());
  return client;
}

TEST(ScramExchange, AServerNonceThatDoesNotExtendTheClientsIsRefusedByTheClient) {
  for (std::string nonce : {"rOprNGfwEbeRWgbNEkqO", "XOprNGfwEbeRWgbNEkqOabc", "abc"}) {
    ScramClient client = rfc_client();
    auto reply = client.receive_server_first("r=" + nonce + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    EXPECT_FALSE(reply.has_value()) << nonce;
    EXPECT_EQ(client.failure(), ScramFailure::kNonceMismatch) << nonce;
  }
}

TEST(ScramExchange, AnIterationCountOutOfBoundsIsRefusedByTheClient) {
  for (uint32_t count : {kMinIterations - 1, kMaxIterations + 1}) {
    ScramClient client = rfc_client();
    auto reply = client.receive_server_first(
        "r=" + std::string(kRfcNonce) + ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=" + std::to_string(count));
    EXPECT_FALSE(reply.has_value()) << count;
    EXPECT_EQ(client.failure(), ScramFailure::kIterationsOutOfRange) << count;
  }
}

TEST(ScramExchange, ABadServerSignatureIsRefusedByTheClient) {
  ScramClient client = rfc_client();
  ASSERT_TRUE(client
                  .receive_server_first("r=" + std::string(kRfcNonce) +
                                        ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                  .has_value());
  // RFC 7677's signature with its first byte changed.
  EXPECT_FALSE(
      client.receive_server_final("v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").is_ok());
  EXPECT_EQ(client.failure(), ScramFailure::kInvalidServerSignature);
  EXPECT_FALSE(client.authenticated());
}

TEST(ScramExchange, AServerErrorInServerFinalFailsTheClient) {
  ScramClient client = rfc_client();
  ASSERT_TRUE(client
                  .receive_server_first("r=" + std::string(kRfcNonce) +
                                        ",s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096")
                  .has_value());
  Status s = client.receive_server_final("e=invalid-proof");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(client.failure(), ScramFailure::kServerRejected);
  EXPECT_NE(s.message().find("invalid-proof"), std::string::npos);
}

TEST(ScramExchange, AServerFinalBeforeServerFirstIsRefusedByTheClient) {
  ScramClient client = rfc_client();
  EXPECT_FALSE(
      client.receive_server_final("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=").is_ok());
  EXPECT_EQ(client.failure(), ScramFailure::kUnexpectedMessage);
}

}  // namespace
}  // namespace cairn::protocol::sasl
