// The Cairn listener over TLS, against the real cairnd with certificates made by openssl at test
// time: requests answered through TLS, mutual TLS, and the mismatches that must fail cleanly
// (plaintext to the TLS port, TLS to the plaintext port, old protocol versions, unknown CAs,
// clients that never finish the handshake). The client side is Asio's SSL stream, speaking the
// wire protocol by hand.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>

#include <fstream>
#include <optional>

#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "tests/support/broker_process.h"
#include "tests/support/raw_socket.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_util.h"
#include "tls/tls_context.h"

namespace cairn::testing {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;
using protocol::ApiKey;

constexpr auto kApiVersions = static_cast<uint16_t>(ApiKey::kApiVersions);

// What a client saw of one ApiVersions exchange over TLS.
struct Exchange {
  error_code handshake;        // the client's side of the handshake
  std::string verify_failure;  // why the client refused the server's certificate, if it did
  std::optional<std::vector<std::byte>> response;  // the response frame, after its length
};

// Dials 127.0.0.1:`port` with `ctx`, handshakes naming `host`, sends an ApiVersions request and
// reads its response; everything within a deadline.
Exchange api_versions_over_tls(uint16_t port, ssl::context& ctx,
                               const std::string& host = "127.0.0.1") {
  asio::io_context io;
  ssl::stream<tcp::socket> stream(io, ctx);
  EXPECT_TRUE(tls::set_server_name(stream.native_handle(), host).is_ok());
  Exchange out;
  bool done = false;
  auto request = encoded_request(kApiVersions, 7, protocol::ApiVersionsRequest{});
  std::vector<std::byte> length(4);
  std::vector<std::byte> body;
  stream.next_layer().async_connect(
      {asio::ip::make_address("127.0.0.1"), port}, [&](error_code ec) {
        if (ec) {
          out.handshake = ec;
          done = true;
          return;
        }
        stream.async_handshake(ssl::stream_base::client, [&](error_code ec) {
          out.handshake = ec;
          out.verify_failure = tls::verify_failure(stream.native_handle());
          if (ec) {
            done = true;
            return;
          }
          asio::async_write(stream, asio::buffer(request), [&](error_code ec, size_t) {
            if (ec) {
              done = true;
              return;
            }
            asio::async_read(stream, asio::buffer(length), [&](error_code ec, size_t) {
              if (ec) {
                done = true;
                return;
              }
              body.resize(protocol::load_le<uint32_t>(length.data()));
              asio::async_read(stream, asio::buffer(body), [&](error_code ec, size_t) {
                if (!ec) out.response = body;
                done = true;
              });
            });
          });
        });
      });
  EXPECT_TRUE(run_until(
      io, [&] { return done; }, std::chrono::seconds(10)));
  return out;
}

// A well-formed ApiVersions answer to correlation id 7 with no error.
bool answered(const Exchange& e) {
  if (!e.response) return false;
  auto decoded = protocol::decode_response(*e.response);
  return decoded && decoded->correlation_id == 7 && decoded->error == protocol::ErrorCode::kNone;
}

ssl::context client_context(const std::filesystem::path& ca, const std::string& host,
                            std::optional<CertAndKey> identity = std::nullopt) {
  tls::ClientTlsOptions o{ca, host, std::nullopt, std::nullopt};
  if (identity) {
    o.certificate_file = identity->cert;
    o.private_key_file = identity->key;
  }
  auto ctx = tls::make_client_context(o);
  EXPECT_TRUE(ctx.has_value()) << ctx.status().to_string();
  return std::move(*ctx);
}

// A client offering only `version` (TLS 1.0 or 1.1), at the security level where OpenSSL still
// speaks them, verifying nothing: only the broker can refuse it.
ssl::context legacy_client(int version) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

class TlsListener : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_dir_ = new TempDir();
    pki_ = new TestPki(pki_dir_->path());
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete pki_dir_;
  }
  static const TestPki& pki() { return *pki_; }

  // cairnd serving TLS with `identity`, and requiring client certificates when `client_ca`.
  void start(const CertAndKey& identity, std::optional<std::filesystem::path> client_ca = {},
             std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"--tls-cert", identity.cert.string(), "--tls-key",
                                     identity.key.string()};
    if (client_ca) {
      args.push_back("--tls-client-ca");
      args.push_back(client_ca->string());
    }
    args.insert(args.end(), extra.begin(), extra.end());
    broker = std::make_unique<BrokerProcess>(tmp.path() / "data", args);
  }

  TempDir tmp;
  std::unique_ptr<BrokerProcess> broker;

 private:
  static inline TempDir* pki_dir_ = nullptr;
  static inline TestPki* pki_ = nullptr;
};

TEST_F(TlsListener, RequestsAreAnsweredOverTlsToAClientThatVerifiesTheBroker) {
  start(pki().server);
  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto ctx = client_context(pki().ca, host);
    Exchange e = api_versions_over_tls(broker->port(), ctx, host);
    EXPECT_FALSE(e.handshake) << host << ": " << e.handshake.message() << " " << e.verify_failure;
    EXPECT_TRUE(answered(e)) << host;
  }
  EXPECT_NE(broker->log().find("(TLS)"), std::string::npos) << broker->log();
}

TEST_F(TlsListener, APlaintextRequestToTheTlsPortIsNotAnsweredAndTheConnectionCloses) {
  start(pki().server);
  RawSocket socket(broker->port());
  ASSERT_TRUE(socket.connected());
  ASSERT_TRUE(socket.send(encoded_request(kApiVersions, 7, protocol::ApiVersionsRequest{})));
  EXPECT_FALSE(socket.read_frame(std::chrono::seconds(5)));
  EXPECT_TRUE(socket.closed_within(std::chrono::seconds(5)));
  // The broker goes on serving TLS clients.
  auto ctx = client_context(pki().ca, "127.0.0.1");
  EXPECT_TRUE(answered(api_versions_over_tls(broker->port(), ctx)));
  EXPECT_NE(broker->log().find("TLS handshake failed"), std::string::npos) << broker->log();
}

TEST_F(TlsListener, ATlsClientAtThePlaintextPortFailsItsHandshakeAndThePortStillServes) {
  broker = std::make_unique<BrokerProcess>(tmp.path() / "data");
  auto ctx = client_context(pki().ca, "127.0.0.1");
  Exchange e = api_versions_over_tls(broker->port(), ctx);
  EXPECT_TRUE(e.handshake);
  EXPECT_FALSE(e.response);
  EXPECT_NE(broker->log().find("a TLS handshake at a listener without TLS"), std::string::npos)
      << broker->log();
  RawSocket socket(broker->port());
  ASSERT_TRUE(socket.send(encoded_request(kApiVersions, 7, protocol::ApiVersionsRequest{})));
  EXPECT_TRUE(socket.read_frame());
}

TEST_F(TlsListener, Tls10And11ClientsAreRefused) {
  start(pki().server);
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    auto ctx = legacy_client(version);
    Exchange e = api_versions_over_tls(broker->port(), ctx);
    EXPECT_TRUE(e.handshake) << version;
    EXPECT_FALSE(e.response) << version;
  }
  auto ctx = legacy_client(TLS1_2_VERSION);
  EXPECT_TRUE(answered(api_versions_over_tls(broker->port(), ctx)))
      << "TLS 1.2 is served: the refusals above are about the version";
}

TEST_F(TlsListener, ABrokerCertificateFromAnUnknownCaOrForAnotherNameIsRejectedByTheClient) {
  start(pki().server_by_other_ca);
  auto ctx = client_context(pki().ca, "127.0.0.1");
  Exchange e = api_versions_over_tls(broker->port(), ctx);
  EXPECT_TRUE(e.handshake);
  EXPECT_EQ(e.verify_failure, "unable to get local issuer certificate");
  EXPECT_FALSE(e.response);

  broker.reset();
  start(pki().server);
  auto wrong_name = client_context(pki().ca, "wrong.example");
  e = api_versions_over_tls(broker->port(), wrong_name, "wrong.example");
  EXPECT_TRUE(e.handshake);
  EXPECT_EQ(e.verify_failure, "hostname mismatch");
  EXPECT_FALSE(e.response);
}

TEST_F(TlsListener, AConnectionThatNeverFinishesItsHandshakeIsClosedAtTheFirstRequestDeadline) {
  start(pki().server, std::nullopt, {"--first-request-timeout-ms", "300"});
  RawSocket silent(broker->port());
  ASSERT_TRUE(silent.connected());
  EXPECT_TRUE(silent.closed_within(std::chrono::seconds(5)));
  RawSocket partial(broker->port());
  ASSERT_TRUE(partial.send({std::byte{0x16}, std::byte{0x03}, std::byte{0x01}}));  // a record begun
  EXPECT_TRUE(partial.closed_within(std::chrono::seconds(5)));
}

TEST_F(TlsListener, MutualTlsServesAClientWithACertificateFromTheClientCaAsItsCn) {
  start(pki().server, pki().ca, {"--log-level", "debug"});
  auto ctx = client_context(pki().ca, "127.0.0.1", pki().client);
  Exchange e = api_versions_over_tls(broker->port(), ctx);
  EXPECT_FALSE(e.handshake) << e.handshake.message();
  EXPECT_TRUE(answered(e));
  EXPECT_NE(broker->log().find("client certificates required"), std::string::npos);
  EXPECT_NE(broker->log().find("is User:client1\n"), std::string::npos) << broker->log();
}

TEST_F(TlsListener, MutualTlsNamesTheClientByThePrincipalRules) {
  start(pki().server, pki().ca,
        {"--log-level", "debug", "--tls-principal-rules", "RULE:^CN=([^,]+),O=(.*)$/$1@$2/L"});
  auto ctx = client_context(pki().ca, "127.0.0.1", pki().client);
  EXPECT_TRUE(answered(api_versions_over_tls(broker->port(), ctx)));
  EXPECT_NE(broker->log().find("is User:client1@cairn test\n"), std::string::npos) << broker->log();
}

TEST_F(TlsListener, MutualTlsRefusesClientsWithoutACertificateOrWithOneFromAnotherCa) {
  start(pki().server, pki().ca);
  std::vector<std::pair<std::string, std::optional<CertAndKey>>> cases = {
      {"no certificate", std::nullopt},
      {"another CA's", pki().client_by_other_ca},
      {"expired", pki().expired_client}};
  for (const auto& [what, identity] : cases) {
    auto ctx = client_context(pki().ca, "127.0.0.1", identity);
    Exchange e = api_versions_over_tls(broker->port(), ctx);
    // Under TLS 1.3 the client may finish its side before the broker refuses; either way no
    // request is answered.
    EXPECT_FALSE(e.response) << what;
  }
  auto ctx = client_context(pki().ca, "127.0.0.1", pki().client);
  EXPECT_TRUE(answered(api_versions_over_tls(broker->port(), ctx)));
}

// The cairn command line against the broker, with `env` ("KEY=VALUE") added to its environment.
RunResult cli_with(const BrokerProcess& broker, const std::vector<std::string>& env,
                   std::vector<std::string> args,
                   const std::optional<std::filesystem::path>& stdin_file = std::nullopt) {
  std::vector<std::string> argv = {"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.insert(argv.end(), {cairn_path(), "--broker", broker.address()});
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, stdin_file);
}

TEST_F(TlsListener, RecordsProducedOverTlsAreConsumedOverTlsFromMemoryAndFromDisk) {
  start(pki().server);
  std::vector<std::string> tls = {"CAIRN_TLS_CA=" + pki().ca.string()};
  ASSERT_EQ(cli_with(*broker, tls, {"topics", "create", "t", "--partitions", "2"}).exit_code, 0);
  constexpr int kRecords = 20'000;
  auto input = tmp.path() / "input.txt";
  {
    std::ofstream out(input);
    for (int i = 0; i < kRecords; ++i) out << "value-" << i << std::string(100, 'x') << "\n";
  }
  auto produced = cli_with(*broker, tls, {"produce", "t"}, input);
  ASSERT_EQ(produced.exit_code, 0) << produced.err;
  auto consume = [&] {
    return cli_with(*broker, tls,
                    {"consume", "t", "--count", std::to_string(kRecords), "--timeout-ms", "10000",
                     "--format", "{value}"});
  };
  auto first = consume();
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(std::count(first.out.begin(), first.out.end(), '\n'), kRecords);
  EXPECT_NE(first.out.find("value-19999x"), std::string::npos);
  // After a restart the batches come from the segment files (sent with sendfile in plaintext;
  // copied through the TLS stream here).
  broker->restart();
  auto second = consume();
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, first.out);
}

TEST_F(TlsListener, TheCommandLineWithoutTheCaOrWithTheWrongNameDoesNotConnect) {
  start(pki().server);
  auto plain = cli_with(*broker, {}, {"topics", "list"});
  EXPECT_NE(plain.exit_code, 0);
  auto other_ca =
      cli_with(*broker, {"CAIRN_TLS_CA=" + pki().other_ca.string()}, {"topics", "list"});
  EXPECT_NE(other_ca.exit_code, 0);
  EXPECT_NE(other_ca.err.find("TLS handshake"), std::string::npos) << other_ca.err;
  auto ok = cli_with(*broker, {"CAIRN_TLS_CA=" + pki().ca.string()}, {"topics", "list"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(TlsListener, TheCommandLinePresentsItsCertificateToAMutualTlsBroker) {
  start(pki().server, pki().ca);
  std::vector<std::string> tls = {"CAIRN_TLS_CA=" + pki().ca.string()};
  EXPECT_NE(cli_with(*broker, tls, {"topics", "list"}).exit_code, 0);
  tls.push_back("CAIRN_TLS_CERT=" + pki().client.cert.string());
  tls.push_back("CAIRN_TLS_KEY=" + pki().client.key.string());
  auto ok = cli_with(*broker, tls, {"topics", "list"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST_F(TlsListener, CairndRefusesToStartWithTlsSettingsThatDoNotGoTogether) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(),
                {"--data-dir", (tmp.path() / "bad").string(), "--listen", "127.0.0.1:0"});
    args.insert(args.begin(), cairnd_path());
    return run_program(args);
  };
  auto no_key = run({"--tls-cert", pki().server.cert.string()});
  EXPECT_NE(no_key.exit_code, 0);
  EXPECT_NE(no_key.err.find("--tls-cert and --tls-key go together"), std::string::npos)
      << no_key.err;
  auto wrong_key =
      run({"--tls-cert", pki().server.cert.string(), "--tls-key", pki().client.key.string()});
  EXPECT_NE(wrong_key.exit_code, 0);
  auto missing = run(
      {"--tls-cert", (tmp.path() / "nope.pem").string(), "--tls-key", pki().server.key.string()});
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("no such file"), std::string::npos) << missing.err;
  auto ca_alone = run({"--tls-client-ca", pki().ca.string()});
  EXPECT_NE(ca_alone.exit_code, 0);
  auto plain = run({"--sasl-mechanisms", "PLAIN"});
  EXPECT_NE(plain.exit_code, 0) << "PLAIN without TLS sends passwords in clear";
}

}  // namespace
}  // namespace cairn::testing
