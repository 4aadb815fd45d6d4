// TLS handshakes between an Asio SSL server and client on loopback, with contexts from
// tls/tls_context.h and certificates made by openssl at test time (tests/support/test_pki.h).

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <memory>

#include "tests/support/process.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_util.h"
#include "tls/tls_context.h"

namespace cairn::tls {
namespace {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view kGreeting = "ok";

class Pki : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new cairn::testing::TempDir();
    pki_ = new cairn::testing::TestPki(dir_->path());
  }
  static void TearDownTestSuite() {
    delete pki_;
    delete dir_;
  }
  static const cairn::testing::TestPki& pki() { return *pki_; }

  static ssl::context server_context(bool mutual = false) {
    ServerTlsOptions o{pki().server.cert, pki().server.key, std::nullopt};
    if (mutual) o.client_ca_file = pki().ca;
    auto ctx = make_server_context(o);
    EXPECT_TRUE(ctx.has_value()) << ctx.status().to_string();
    return std::move(*ctx);
  }
  static ssl::context client_context(std::string host,
                                     std::optional<cairn::testing::CertAndKey> identity = {}) {
    ClientTlsOptions o{pki().ca, std::move(host), std::nullopt, std::nullopt};
    if (identity) {
      o.certificate_file = identity->cert;
      o.private_key_file = identity->key;
    }
    auto ctx = make_client_context(o);
    EXPECT_TRUE(ctx.has_value()) << ctx.status().to_string();
    return std::move(*ctx);
  }

 private:
  static inline cairn::testing::TempDir* dir_ = nullptr;
  static inline cairn::testing::TestPki* pki_ = nullptr;
};

struct Outcome {
  error_code server_handshake;
  error_code client_handshake;
  error_code client_read;  // reading the server's greeting after the handshake
  std::string greeting;
  std::string server_verify_failure;
  std::string client_verify_failure;
  std::optional<std::string> client_subject;  // as the server saw it
};

// One connection on loopback: the server handshakes, then sends kGreeting; the client dials
// `host`'s certificate name at 127.0.0.1, handshakes and reads the greeting.
Outcome connect(ssl::context& server_ctx, ssl::context& client_ctx, const std::string& host) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  ssl::stream<tcp::socket> server(io, server_ctx);
  ssl::stream<tcp::socket> client(io, client_ctx);
  Outcome out;
  int done = 0;
  std::array<char, kGreeting.size()> buffer{};
  acceptor.async_accept(server.next_layer(), [&](error_code ec) {
    if (ec) {
      out.server_handshake = ec;
      ++done;
      return;
    }
    server.async_handshake(ssl::stream_base::server, [&](error_code ec) {
      out.server_handshake = ec;
      out.server_verify_failure = verify_failure(server.native_handle());
      if (ec) {
        server.next_layer().close();
        ++done;
        return;
      }
      out.client_subject = peer_subject(server.native_handle());
      asio::async_write(server, asio::buffer(kGreeting), [&](error_code, size_t) { ++done; });
    });
  });
  EXPECT_TRUE(set_server_name(client.native_handle(), host).is_ok());
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code ec) {
    if (ec) {
      out.client_handshake = ec;
      ++done;
      return;
    }
    client.async_handshake(ssl::stream_base::client, [&](error_code ec) {
      out.client_handshake = ec;
      out.client_verify_failure = verify_failure(client.native_handle());
      if (ec) {
        client.next_layer().close();
        ++done;
        return;
      }
      asio::async_read(client, asio::buffer(buffer), [&](error_code ec, size_t n) {
        out.client_read = ec;
        out.greeting.assign(buffer.data(), n);
        ++done;
      });
    });
  });
  EXPECT_TRUE(cairn::testing::run_until(io, [&] { return done == 2; }));
  return out;
}

bool served(const Outcome& o) {
  return !o.server_handshake && !o.client_handshake && !o.client_read && o.greeting == kGreeting;
}

TEST_F(Pki, AClientVerifiesTheServerByIpAddressAndByName) {
  for (std::string host : {"127.0.0.1", "localhost"}) {
    auto server_ctx = server_context();
    auto client_ctx = client_context(host);
    Outcome o = connect(server_ctx, client_ctx, host);
    EXPECT_TRUE(served(o)) << host << ": " << o.client_handshake.message() << " / "
                           << o.server_handshake.message();
    EXPECT_FALSE(o.client_subject) << "no client certificate was asked for";
  }
}

TEST_F(Pki, AServerCertificateFromAnUnknownCaIsRejectedByTheClient) {
  auto server_ctx = make_server_context({pki().server_by_other_ca.cert, pki().server_by_other_ca.key});
  ASSERT_TRUE(server_ctx.has_value());
  auto client_ctx = client_context("127.0.0.1");
  Outcome o = connect(*server_ctx, client_ctx, "127.0.0.1");
  EXPECT_TRUE(o.client_handshake);
  EXPECT_EQ(o.client_verify_failure, "unable to get local issuer certificate");
}

TEST_F(Pki, AClientTrustingOnlyTheSystemsCasRejectsATestCaServer) {
  auto server_ctx = server_context();
  auto client_ctx = make_client_context({std::nullopt, "127.0.0.1", std::nullopt, std::nullopt});
  ASSERT_TRUE(client_ctx.has_value()) << client_ctx.status().to_string();
  Outcome o = connect(server_ctx, *client_ctx, "127.0.0.1");
  EXPECT_TRUE(o.client_handshake);
  EXPECT_FALSE(o.client_verify_failure.empty());
}

TEST_F(Pki, AWrongHostNameIsRejectedByTheClient) {
  for (std::string host : {"wrong.example", "127.0.0.2", "localhost.example"}) {
    auto server_ctx = server_context();
    auto client_ctx = client_context(host);
    Outcome o = connect(server_ctx, client_ctx, host);
    EXPECT_TRUE(o.client_handshake) << host;
    EXPECT_EQ(o.client_verify_failure, "hostname mismatch") << host;
    EXPECT_FALSE(served(o));
  }
}

// A client context that offers only `version`, at OpenSSL's security level 0 (the only one at
// which TLS 1.0 and 1.1 still work), verifying nothing: the server alone must refuse it.
ssl::context legacy_client(int version) {
  ssl::context ctx(ssl::context::tls_client);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_max_proto_version(ctx.native_handle(), version);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
  ctx.set_verify_mode(ssl::verify_none);
  return ctx;
}

// The same legacy settings on the server side, to show that the refusal comes from Cairn's
// context and not from this machine's OpenSSL, which would make the test pass vacuously.
ssl::context legacy_server(const cairn::testing::CertAndKey& identity) {
  ssl::context ctx(ssl::context::tls_server);
  SSL_CTX_set_security_level(ctx.native_handle(), 0);
  SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_VERSION);
  SSL_CTX_set_cipher_list(ctx.native_handle(), "DEFAULT:@SECLEVEL=0");
  ctx.use_certificate_chain_file(identity.cert.string());
  ctx.use_private_key_file(identity.key.string(), ssl::context::pem);
  return ctx;
}

TEST_F(Pki, Tls10And11ClientsAreRefusedWhereOpenSslWouldServeThem) {
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    auto control_ctx = legacy_server(pki().server);
    auto old_client = legacy_client(version);
    Outcome control = connect(control_ctx, old_client, "127.0.0.1");
    ASSERT_TRUE(served(control)) << "this OpenSSL cannot speak version " << version
                                 << " at all: " << control.server_handshake.message();

    auto server_ctx = server_context();
    Outcome o = connect(server_ctx, old_client, "127.0.0.1");
    EXPECT_TRUE(o.server_handshake) << version;
    EXPECT_NE(o.server_handshake.message().find("unsupported protocol"), std::string::npos)
        << o.server_handshake.message();
    EXPECT_FALSE(served(o));
  }
}

TEST_F(Pki, ATls12OnlyClientIsServed) {
  auto server_ctx = server_context();
  auto client_ctx = client_context("127.0.0.1");
  SSL_CTX_set_max_proto_version(client_ctx.native_handle(), TLS1_2_VERSION);
  EXPECT_TRUE(served(connect(server_ctx, client_ctx, "127.0.0.1")));
}

// The server's handshake meets bytes that are no TLS record (a Cairn request frame) and fails
// with an SSL error; it does not wait for more, and the client sees the connection end.
TEST_F(Pki, PlaintextBytesToTheTlsSideFailTheHandshakeCleanly) {
  asio::io_context io;
  auto server_ctx = server_context();
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  ssl::stream<tcp::socket> server(io, server_ctx);
  tcp::socket client(io);
  error_code server_ec, client_ec;
  int done = 0;
  acceptor.async_accept(server.next_layer(), [&](error_code) {
    server.async_handshake(ssl::stream_base::server, [&](error_code ec) {
      server_ec = ec;
      server.next_layer().close();
      ++done;
    });
  });
  // A Cairn ApiVersions request: length 12, key 0, version 0, correlation id 1, client id "".
  static const unsigned char frame[] = {12, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0};
  std::array<char, 64> reply{};
  client.async_connect(acceptor.local_endpoint(), [&](error_code) {
    asio::async_write(client, asio::buffer(frame), [&](error_code, size_t) {
      asio::async_read(client, asio::buffer(reply), [&](error_code ec, size_t) {
        client_ec = ec;
        ++done;
      });
    });
  });
  ASSERT_TRUE(cairn::testing::run_until(io, [&] { return done == 2; }));
  EXPECT_TRUE(server_ec);
  EXPECT_EQ(server_ec.category(), asio::error::get_ssl_category()) << server_ec.message();
  EXPECT_TRUE(client_ec) << "the server must end the connection";
}

// The client's handshake meets a plaintext server's answer (a Cairn error frame) and fails.
TEST_F(Pki, ATlsClientAtAPlaintextServerFailsCleanly) {
  asio::io_context io;
  tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  tcp::socket server(io);
  auto client_ctx = client_context("127.0.0.1");
  ssl::stream<tcp::socket> client(io, client_ctx);
  std::array<char, 512> hello{};
  static const unsigned char answer[] = {10, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0};
  error_code client_ec;
  int done = 0;
  acceptor.async_accept(server, [&](error_code) {
    server.async_read_some(asio::buffer(hello), [&](error_code, size_t) {
      asio::async_write(server, asio::buffer(answer), [&](error_code, size_t) {
        server.close();
        ++done;
      });
    });
  });
  client.next_layer().async_connect(acceptor.local_endpoint(), [&](error_code) {
    client.async_handshake(ssl::stream_base::client, [&](error_code ec) {
      client_ec = ec;
      ++done;
    });
  });
  ASSERT_TRUE(cairn::testing::run_until(io, [&] { return done == 2; }));
  EXPECT_TRUE(client_ec);
}

TEST_F(Pki, AClientCertificateFromTheClientCaIsAcceptedAndItsSubjectRead) {
  auto server_ctx = server_context(/*mutual=*/true);
  auto client_ctx = client_context("127.0.0.1", pki().client);
  Outcome o = connect(server_ctx, client_ctx, "127.0.0.1");
  EXPECT_TRUE(served(o)) << o.server_handshake.message();
  EXPECT_EQ(o.client_subject, "CN=client1,O=Cairn Test");
}

// Under TLS 1.3 a client finishes its handshake before the server has checked its
// certificate; the refusal then shows when it reads.
void expect_refused_by_server(const Outcome& o, std::string_view why) {
  EXPECT_TRUE(o.server_handshake);
  EXPECT_FALSE(served(o));
  EXPECT_TRUE(o.client_handshake || o.client_read);
  if (!why.empty()) {
    EXPECT_EQ(o.server_verify_failure, why);
  }
}

TEST_F(Pki, MutualTlsRefusesAClientWithoutACertificate) {
  auto server_ctx = server_context(/*mutual=*/true);
  auto client_ctx = client_context("127.0.0.1");
  Outcome o = connect(server_ctx, client_ctx, "127.0.0.1");
  expect_refused_by_server(o, "");
  EXPECT_NE(o.server_handshake.message().find("peer did not return a certificate"),
            std::string::npos)
      << o.server_handshake.message();
}

TEST_F(Pki, MutualTlsRefusesAnExpiredClientCertificate) {
  auto server_ctx = server_context(/*mutual=*/true);
  auto client_ctx = client_context("127.0.0.1", pki().expired_client);
  expect_refused_by_server(connect(server_ctx, client_ctx, "127.0.0.1"), "certificate has expired");
}

TEST_F(Pki, MutualTlsRefusesAClientCertificateFromAnotherCa) {
  auto server_ctx = server_context(/*mutual=*/true);
  auto client_ctx = client_context("127.0.0.1", pki().client_by_other_ca);
  expect_refused_by_server(connect(server_ctx, client_ctx, "127.0.0.1"),
                           "unable to get local issuer certificate");
}

bool names(const Status& s, const std::string& what) {
  return !s.is_ok() && s.message().find(what) != std::string::npos;
}

TEST_F(Pki, ContextErrorsNameTheFileAndWhatIsWrongWithIt) {
  const auto& p = pki();
  auto missing = make_server_context({"/nonexistent/server.pem", p.server.key});
  EXPECT_TRUE(names(missing.status(), "/nonexistent/server.pem: no such file"));
  auto mismatched = make_server_context({p.server.cert, p.client.key});
  EXPECT_TRUE(names(mismatched.status(), "does not match the certificate"));
  auto garbage_file = p.ca.parent_path() / "garbage.pem";
  cairn::testing::write_file(garbage_file, "not a certificate\n");
  auto garbage = make_server_context({garbage_file, p.server.key});
  EXPECT_TRUE(names(garbage.status(), garbage_file.string() + ": not usable as PEM"))
      << garbage.status().to_string();
  auto garbage_key = make_server_context({p.server.cert, garbage_file});
  EXPECT_TRUE(names(garbage_key.status(), "not an unencrypted PEM private key"));
  auto bad_ca = make_server_context({p.server.cert, p.server.key, garbage_file});
  EXPECT_TRUE(names(bad_ca.status(), "client CA file " + garbage_file.string()));
  auto no_host = make_client_context({p.ca, "", std::nullopt, std::nullopt});
  EXPECT_TRUE(names(no_host.status(), "host name"));
  auto cert_without_key = make_client_context({p.ca, "localhost", p.client.cert, std::nullopt});
  EXPECT_TRUE(names(cert_without_key.status(), "needs its key"));
}

TEST(TlsServerName, IsSentForHostNamesButNotForIpAddresses) {
  ssl::context ctx(ssl::context::tls_client);
  SSL* by_name = SSL_new(ctx.native_handle());
  SSL* by_address = SSL_new(ctx.native_handle());
  EXPECT_TRUE(set_server_name(by_name, "broker.example").is_ok());
  EXPECT_TRUE(set_server_name(by_address, "127.0.0.1").is_ok());
  EXPECT_STREQ(SSL_get_servername(by_name, TLSEXT_NAMETYPE_host_name), "broker.example");
  EXPECT_EQ(SSL_get_servername(by_address, TLSEXT_NAMETYPE_host_name), nullptr);
  SSL_free(by_name);
  SSL_free(by_address);
}

}  // namespace
}  // namespace cairn::tls
