// SASL authentication on the Cairn listener, against the real cairnd with users made offline
// (`cairn users add --data-dir`) before it starts: the client library's SCRAM login, the wrong
// password, a tampered proof and a replayed client-final over the wire, requests and frames the
// broker refuses before authentication, and SCRAM over TLS through the command line.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>

#include "client/src/connection.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/sasl.h"
#include "protocol/sasl/scram_client.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_util.h"

namespace cairn::testing {
namespace {

using protocol::ApiKey;
using protocol::ErrorCode;

constexpr auto kSaslHandshake = static_cast<uint16_t>(ApiKey::kSaslHandshake);
constexpr auto kSaslAuthenticate = static_cast<uint16_t>(ApiKey::kSaslAuthenticate);
constexpr const char* kPassword = "correct horse battery staple";

// One SASL exchange spoken by hand over a raw socket.
class RawSasl {
 public:
  explicit RawSasl(uint16_t port) : socket_(port) {}

  RawSocket& socket() { return socket_; }
  std::optional<protocol::SaslHandshakeResponse> handshake(const std::string& mechanism) {
    auto frame = call(kSaslHandshake, protocol::SaslHandshakeRequest{mechanism});
    if (!frame) return std::nullopt;
    auto body = protocol::SaslHandshakeResponse::decode(frame->body, 0);
    if (!body) return std::nullopt;
    return *body;
  }
  std::optional<protocol::SaslAuthenticateResponse> authenticate(const std::string& bytes) {
    auto frame = call(kSaslAuthenticate, protocol::SaslAuthenticateRequest{bytes});
    if (!frame) return std::nullopt;
    auto body = protocol::SaslAuthenticateResponse::decode(frame->body, 0);
    if (!body) return std::nullopt;
    return *body;
  }

 private:
  struct Answer {
    std::vector<std::byte> bytes;
    protocol::Bytes body;
  };
  template <class Body>
  std::optional<Answer> call(uint16_t api, const Body& body) {
    if (!socket_.send(encoded_request(api, ++correlation_, body))) return std::nullopt;
    Answer out;
    auto frame = socket_.read_frame();
    if (!frame) return std::nullopt;
    out.bytes = std::move(*frame);
    auto decoded = protocol::decode_response(out.bytes);
    if (!decoded || decoded->error != ErrorCode::kNone) return std::nullopt;
    out.body = decoded->body;
    return out;
  }

  RawSocket socket_;
  uint32_t correlation_ = 0;
};

protocol::sasl::ScramClient scram_client(const std::string& user, const std::string& password,
                                         const std::string& nonce = "") {
  protocol::sasl::ScramClientOptions o;
  o.hash = protocol::sasl::ScramHash::kSha256;
  o.username = user;
  o.password = password;
  if (!nonce.empty()) o.make_nonce = [nonce]() -> Result<std::string> { return nonce; };
  return protocol::sasl::ScramClient(std::move(o));
}

class SaslListener : public ::testing::Test {
 protected:
  void SetUp() override {
    write_file(tmp.path() / "password", std::string(kPassword) + "\n");
    add_user("alice");
  }
  void add_user(const std::string& name) {
    auto added = run_program({cairn_path(), "users", "add", name, "--password-file",
                              (tmp.path() / "password").string(), "--data-dir", data_dir()});
    ASSERT_EQ(added.exit_code, 0) << added.err;
  }
  void start(std::vector<std::string> args = {}) {
    args.insert(args.begin(),
                {"--kafka-listen", "", "--sasl-mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512"});
    broker = std::make_unique<BrokerProcess>(data_dir(), args);
  }
  Result<std::unique_ptr<client::Connection>> login(
      const std::string& user, const std::string& password,
      const std::string& mechanism = "SCRAM-SHA-256") {
    return client::Connection::connect(
        {.broker = broker->address(), .sasl = {mechanism, user, password}});
  }
  std::string data_dir() const { return (tmp.path() / "data").string(); }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(SaslListener, AUserWithTheRightPasswordIsServedWithEitherScramMechanism) {
  start();
  for (const char* mechanism : {"SCRAM-SHA-256", "SCRAM-SHA-512"}) {
    auto conn = login("alice", kPassword, mechanism);
    ASSERT_TRUE(conn.has_value()) << mechanism << ": " << conn.error().to_string();
    auto metadata = (*conn)->call<protocol::MetadataRequest, protocol::MetadataResponse>(
        ApiKey::kMetadata, protocol::MetadataRequest{});
    EXPECT_TRUE(metadata.has_value()) << metadata.error().to_string();
  }
}

TEST_F(SaslListener, AWrongPasswordOrAnUnknownUserIsRefusedAfterTheFailureDelay) {
  start();
  for (auto [user, password] : {std::pair{"alice", "wrong"}, std::pair{"mallory", kPassword}}) {
    auto started = std::chrono::steady_clock::now();
    auto conn = login(user, password);
    auto took = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(conn.has_value()) << user;
    EXPECT_NE(conn.error().message().find("SASL_AUTHENTICATION_FAILED"), std::string::npos)
        << conn.error().to_string();
    EXPECT_GE(took, std::chrono::milliseconds(100)) << user;
  }
}

TEST_F(SaslListener, ARequestOtherThanVersionsOrSaslBeforeAuthenticationClosesTheConnection) {
  start();
  RawSocket versions(broker->port());
  ASSERT_TRUE(versions.send(encoded_request(0, 1, protocol::ApiVersionsRequest{})));
  EXPECT_TRUE(versions.read_frame().has_value()) << "ApiVersions is answered before login";
  RawSocket metadata(broker->port());
  ASSERT_TRUE(metadata.send(
      encoded_request(static_cast<uint16_t>(ApiKey::kMetadata), 1, protocol::MetadataRequest{})));
  EXPECT_FALSE(metadata.read_frame(std::chrono::seconds(5)).has_value());
  EXPECT_TRUE(metadata.closed_within(std::chrono::seconds(5)));
}

TEST_F(SaslListener, AFrameOverThePreAuthenticationLimitClosesTheConnection) {
  start();
  RawSocket s(broker->port());
  std::vector<std::byte> prefix(4);
  protocol::store_le<uint32_t>(prefix.data(), 600 * 1024);  // under --max-frame-bytes
  ASSERT_TRUE(s.send(prefix));
  EXPECT_TRUE(s.closed_within(std::chrono::seconds(5)));
}

TEST_F(SaslListener, ATamperedProofIsRefusedAndTheConnectionClosed) {
  start();
  RawSasl raw(broker->port());
  auto hello = raw.handshake("SCRAM-SHA-256");
  ASSERT_TRUE(hello.has_value());
  ASSERT_EQ(hello->error, ErrorCode::kNone);
  auto scram = scram_client("alice", kPassword);
  auto first = scram.client_first();
  ASSERT_TRUE(first.has_value());
  auto server_first = raw.authenticate(*first);
  ASSERT_TRUE(server_first.has_value());
  ASSERT_EQ(server_first->error, ErrorCode::kNone);
  auto final_message = scram.receive_server_first(server_first->auth_bytes);
  ASSERT_TRUE(final_message.has_value());
  // The proof is the last attribute (",p=<base64>"): change one of its characters.
  std::string tampered = *final_message;
  char& c = tampered[tampered.size() - 3];
  c = c == 'A' ? 'B' : 'A';
  auto answer = raw.authenticate(tampered);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->error, ErrorCode::kSaslAuthenticationFailed);
  EXPECT_TRUE(answer->auth_bytes.empty());
  EXPECT_TRUE(raw.socket().closed_within(std::chrono::seconds(5)));
}

TEST_F(SaslListener, AClientFinalReplayedOnAnotherConnectionIsRefused) {
  start();
  const std::string nonce = "fixed-client-nonce-0123456789";
  std::string recorded;
  {
    RawSasl raw(broker->port());
    ASSERT_TRUE(raw.handshake("SCRAM-SHA-256").has_value());
    auto scram = scram_client("alice", kPassword, nonce);
    auto server_first = raw.authenticate(*scram.client_first());
    ASSERT_TRUE(server_first.has_value());
    auto final_message = scram.receive_server_first(server_first->auth_bytes);
    ASSERT_TRUE(final_message.has_value());
    recorded = *final_message;
    auto ok = raw.authenticate(recorded);
    ASSERT_TRUE(ok.has_value());
    ASSERT_EQ(ok->error, ErrorCode::kNone);
    EXPECT_TRUE(scram.receive_server_final(ok->auth_bytes).is_ok());
  }
  RawSasl replay(broker->port());
  ASSERT_TRUE(replay.handshake("SCRAM-SHA-256").has_value());
  auto scram = scram_client("alice", "not needed", nonce);
  auto server_first = replay.authenticate(*scram.client_first());
  ASSERT_TRUE(server_first.has_value());
  ASSERT_EQ(server_first->error, ErrorCode::kNone);
  auto answer = replay.authenticate(recorded);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->error, ErrorCode::kSaslAuthenticationFailed);
  EXPECT_TRUE(replay.socket().closed_within(std::chrono::seconds(5)));
}

TEST_F(SaslListener, AnUnofferedMechanismIsAnsweredWithTheOffered) {
  start();
  RawSasl raw(broker->port());
  auto hello = raw.handshake("PLAIN");
  ASSERT_TRUE(hello.has_value());
  EXPECT_EQ(hello->error, ErrorCode::kUnsupportedSaslMechanism);
  EXPECT_EQ(hello->mechanisms, (std::vector<std::string>{"SCRAM-SHA-256", "SCRAM-SHA-512"}));
}

TEST_F(SaslListener, TheCommandLineLogsInOverTlsWithItsPasswordFromTheEnvironmentOrAFile) {
  TestPki pki(tmp.path());
  start({"--tls-cert", pki.server.cert.string(), "--tls-key", pki.server.key.string()});
  auto cli = [&](std::vector<std::string> env, std::vector<std::string> args) {
    std::vector<std::string> argv = {"/usr/bin/env", "CAIRN_TLS_CA=" + pki.ca.string()};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.insert(argv.end(), {cairn_path(), "--broker", broker->address()});
    argv.insert(argv.end(), args.begin(), args.end());
    return run_program(argv);
  };
  auto anonymous = cli({}, {"topics", "list"});
  EXPECT_NE(anonymous.exit_code, 0);
  auto wrong = cli({"CAIRN_USER=alice", "CAIRN_PASSWORD=nope"}, {"topics", "list"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("SASL_AUTHENTICATION_FAILED"), std::string::npos) << wrong.err;
  auto created = cli({"CAIRN_USER=alice", std::string("CAIRN_PASSWORD=") + kPassword},
                     {"topics", "create", "t"});
  EXPECT_EQ(created.exit_code, 0) << created.err;
  auto listed =
      cli({"CAIRN_USER=alice", "CAIRN_PASSWORD_FILE=" + (tmp.path() / "password").string()},
          {"topics", "list"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("t"), std::string::npos) << listed.out;
}

// The first bytes of the HTTP listener's answer to GET `path`: its status line's start.
std::string http_status(uint16_t port, const std::string& path) {
  RawSocket s(port);
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<std::byte> bytes(request.size());
  std::memcpy(bytes.data(), request.data(), request.size());
  if (!s.send(bytes)) return "";
  std::vector<std::byte> head(12);
  if (!s.read(head)) return "";
  return {reinterpret_cast<const char*>(head.data()), head.size()};
}

TEST_F(SaslListener, TheHttpListenerServesHealthAndMetricsButNotTheJsonApi) {
  start();
  ASSERT_NE(broker->http_port(), 0);
  EXPECT_EQ(http_status(broker->http_port(), "/healthz"), "HTTP/1.1 200");
  EXPECT_EQ(http_status(broker->http_port(), "/api/v1/topics"), "HTTP/1.1 404");
}

TEST_F(SaslListener, CairndServesTheKafkaListenerWithSaslAndTheAuthorizerOn) {
  broker = std::make_unique<BrokerProcess>(
      data_dir(), std::vector<std::string>{"--sasl-mechanisms", "SCRAM-SHA-256", "--authorizer",
                                           "on", "--kafka-listen", "127.0.0.1:0"});
  EXPECT_NE(broker->kafka_port(), 0) << broker->log();
  // Kafka's listener shares the SASL requirement: a request other than ApiVersions or SASL
  // before authentication closes the connection.
  RawSocket s(broker->kafka_port());
  // Metadata v0 of every topic: size, key 3, version 0, correlation id 7, null client id, an
  // empty topic list.
  const uint8_t frame[] = {0, 0, 0, 14, 0, 3, 0, 0, 0, 0, 0, 7, 0xff, 0xff, 0, 0, 0, 0};
  std::vector<std::byte> metadata_v0(sizeof(frame));
  std::memcpy(metadata_v0.data(), frame, sizeof(frame));
  ASSERT_TRUE(s.send(metadata_v0));
  EXPECT_TRUE(s.closed_within(std::chrono::seconds(10)));
}

}  // namespace
}  // namespace cairn::testing
