// The example exchanges of RFC 7677 (SCRAM-SHA-256, section 3) and RFC 5802 (SCRAM-SHA-1,
// section 5), replayed byte for byte: each side is fed the RFC's messages and must answer with
// the RFC's messages. Expected texts are copied from the RFCs, never produced by our encoder.

#include <gtest/gtest.h>

#include "tests/unit/protocol/sasl/scram_test_util.h"

namespace cairn::protocol::sasl {
namespace {

using testing::client_options;
using testing::credential;
using testing::fixed_nonce;
using testing::server_for;

struct RfcExample {
  ScramHash hash;
  std::string password;
  std::string salt_base64;
  std::string client_nonce;
  std::string server_nonce_part;
  std::string client_first;
  std::string server_first;
  std::string client_final;
  std::string server_final;
};

RfcExample rfc7677() {
  return {ScramHash::kSha256,
          "pencil",
          "W22ZaJ0SNY7soEsUEjb6gQ==",
          "rOprNGfwEbeRWgbNEkqO",
          "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0",
          "n,,n=user,r=rOprNGfwEbeRWgbNEkqO",
          "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
          "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
          "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=",
          "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="};
}

RfcExample rfc5802() {
  return {ScramHash::kSha1,
          "pencil",
          "QSXCR+Q6sek8bf92",
          "fyko+d2lbbFgONRv9qkxdawL",
          "3rfcNHYJY1ZVvWVs7j",
          "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL",
          "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096",
          "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=",
          "v=rmF9pqV8S7suAoZWja4dJRkFsKQ="};
}

void expect_server_replays(const RfcExample& e) {
  auto server = server_for(e.hash, "user", credential(e.hash, e.password, 4096, e.salt_base64),
                           fixed_nonce(e.server_nonce_part));
  auto first = server.receive(e.client_first);
  ASSERT_TRUE(first.has_value()) << first.status().to_string();
  EXPECT_EQ(*first, e.server_first);
  auto final_message = server.receive(e.client_final);
  ASSERT_TRUE(final_message.has_value()) << final_message.status().to_string();
  EXPECT_EQ(*final_message, e.server_final);
  EXPECT_TRUE(server.authenticated());
  EXPECT_EQ(server.username(), "user");
}

void expect_client_replays(const RfcExample& e) {
  auto options = client_options(e.hash, "user", e.password);
  options.make_nonce = fixed_nonce(e.client_nonce);
  ScramClient client(std::move(options));
  auto first = client.client_first();
  ASSERT_TRUE(first.has_value()) << first.status().to_string();
  EXPECT_EQ(*first, e.client_first);
  auto final_message = client.receive_server_first(e.server_first);
  ASSERT_TRUE(final_message.has_value()) << final_message.status().to_string();
  EXPECT_EQ(*final_message, e.client_final);
  Status done = client.receive_server_final(e.server_final);
  EXPECT_TRUE(done.is_ok()) << done.to_string();
  EXPECT_TRUE(client.authenticated());
}

TEST(ScramRfc, TheServerAnswersRfc7677sSha256ExampleByteForByte) {
  expect_server_replays(rfc7677());
}

TEST(ScramRfc, TheClientSendsRfc7677sSha256ExampleByteForByte) {
  expect_client_replays(rfc7677());
}

TEST(ScramRfc, TheServerAnswersRfc5802sSha1ExampleByteForByte) {
  expect_server_replays(rfc5802());
}

TEST(ScramRfc, TheClientSendsRfc5802sSha1ExampleByteForByte) {
  expect_client_replays(rfc5802());
}

TEST(ScramRfc, TheStoredKeysOfRfc7677sExampleProveThePasswordPencil) {
  auto c = credential(ScramHash::kSha256, "pencil", 4096, "W22ZaJ0SNY7soEsUEjb6gQ==");
  EXPECT_EQ(*verify_password(c, "pencil"), true);
  EXPECT_EQ(*verify_password(c, "pencil "), false);
}

// Each side sees every strict prefix of the RFC's messages it receives: none authenticates, and
// none crashes (ASan/UBSan watch the parsers).
TEST(ScramRfc, EveryTruncationOfAFinalMessageFailsTheExchange) {
  RfcExample e = rfc7677();
  for (size_t n = 0; n < e.client_final.size(); ++n) {
    auto server = server_for(e.hash, "user", credential(e.hash, e.password, 4096, e.salt_base64),
                             fixed_nonce(e.server_nonce_part));
    ASSERT_TRUE(server.receive(e.client_first).has_value());
    EXPECT_FALSE(server.receive(e.client_final.substr(0, n)).has_value()) << n;
    EXPECT_EQ(server.state(), ScramServer::State::kFailed);
  }
  for (size_t n = 0; n < e.server_final.size(); ++n) {
    auto options = client_options(e.hash, "user", e.password);
    options.make_nonce = fixed_nonce(e.client_nonce);
    ScramClient client(std::move(options));
    ASSERT_TRUE(client.client_first().has_value());
    ASSERT_TRUE(client.receive_server_first(e.server_first).has_value());
    EXPECT_FALSE(client.receive_server_final(e.server_final.substr(0, n)).is_ok()) << n;
    EXPECT_EQ(client.state(), ScramClient::State::kFailed);
  }
}

TEST(ScramRfc, EveryTruncationOfServerFirstIsRefusedByTheClient) {
  RfcExample e = rfc7677();
  for (size_t n = 0; n < e.server_first.size(); ++n) {
    auto options = client_options(e.hash, "user", e.password);
    options.make_nonce = fixed_nonce(e.client_nonce);
    ScramClient client(std::move(options));
    ASSERT_TRUE(client.client_first().has_value());
    EXPECT_FALSE(client.receive_server_first(e.server_first.substr(0, n)).has_value()) << n;
  }
}

// A truncated client-first is malformed until its nonce has begun; after that it is a valid
// message with a shorter nonce, and the server's nonce must extend exactly that one.
TEST(ScramRfc, EveryTruncationOfClientFirstIsRefusedOrKeepsItsOwnNonce) {
  RfcExample e = rfc7677();
  size_t nonce_at = e.client_first.find(",r=") + 3;
  for (size_t n = 0; n < e.client_first.size(); ++n) {
    auto server = server_for(e.hash, "user", credential(e.hash, e.password, 4096, e.salt_base64),
                             fixed_nonce(e.server_nonce_part));
    auto reply = server.receive(e.client_first.substr(0, n));
    if (n <= nonce_at) {
      EXPECT_FALSE(reply.has_value()) << n;
      EXPECT_EQ(server.failure(), ScramFailure::kMalformedMessage) << n;
    } else {
      ASSERT_TRUE(reply.has_value()) << n;
      EXPECT_TRUE(reply->starts_with("r=" + e.client_first.substr(nonce_at, n - nonce_at) +
                                     e.server_nonce_part + ","))
          << *reply;
    }
  }
}

}  // namespace
}  // namespace cairn::protocol::sasl
