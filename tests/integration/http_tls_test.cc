// The HTTP listener with --tls-cert: HTTPS with the broker's certificate, verified by a client
// that trusts the test CA; a plain HTTP request to it gets no HTTP answer.
#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/buffers_iterator.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cstring>

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

// GET `path` over HTTPS from 127.0.0.1:`port`, verifying the server against `ca`; the whole
// answer (status line, headers, body), or "" when the handshake or the exchange failed.
std::string https_get(uint16_t port, const std::filesystem::path& ca, const std::string& path) {
  auto ctx = tls::make_client_context({ca, "127.0.0.1", std::nullopt, std::nullopt});
  if (!ctx) return "";
  asio::io_context io;
  ssl::stream<tcp::socket> stream(io, *ctx);
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
  asio::streambuf answer;
  bool done = false;
  stream.next_layer().async_connect(
      {asio::ip::make_address("127.0.0.1"), port}, [&](error_code ec) {
        if (ec) {
          done = true;
          return;
        }
        stream.async_handshake(ssl::stream_base::client, [&](error_code ec) {
          if (ec) {
            done = true;
            return;
          }
          asio::async_write(stream, asio::buffer(request), [&](error_code ec, size_t) {
            if (ec) {
              done = true;
              return;
            }
            asio::async_read(stream, answer, [&](error_code, size_t) { done = true; });
          });
        });
      });
  EXPECT_TRUE(run_until(
      io, [&] { return done; }, std::chrono::seconds(10)));
  return {asio::buffers_begin(answer.data()), asio::buffers_end(answer.data())};
}

class HttpTls : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(tmp.path() / "pki");
    pki = std::make_unique<TestPki>(tmp.path() / "pki");
    broker = std::make_unique<BrokerProcess>(
        tmp.path() / "data", std::vector<std::string>{"--tls-cert", pki->server.cert.string(),
                                                      "--tls-key", pki->server.key.string()});
  }

  TempDir tmp;
  std::unique_ptr<TestPki> pki;
  std::unique_ptr<BrokerProcess> broker;
};

TEST_F(HttpTls, HealthAndMetricsAreServedOverHttpsWithTheBrokersCertificate) {
  ASSERT_NE(broker->http_port(), 0) << broker->log();
  EXPECT_NE(broker->log().find("on https://127.0.0.1:"), std::string::npos) << broker->log();
  std::string health = https_get(broker->http_port(), pki->ca, "/healthz");
  EXPECT_EQ(health.substr(0, 12), "HTTP/1.1 200") << health;
  std::string metrics = https_get(broker->http_port(), pki->ca, "/metrics");
  EXPECT_NE(metrics.find("cairn_"), std::string::npos) << metrics.substr(0, 200);
}

TEST_F(HttpTls, AClientThatDoesNotTrustTheBrokersCaGetsNothing) {
  EXPECT_EQ(https_get(broker->http_port(), pki->other_ca, "/healthz"), "");
}

TEST_F(HttpTls, APlainHttpRequestToTheHttpsPortGetsNoHttpAnswer) {
  RawSocket s(broker->http_port());
  std::string request = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  std::vector<std::byte> bytes(request.size());
  std::memcpy(bytes.data(), request.data(), request.size());
  ASSERT_TRUE(s.send(bytes));
  std::vector<std::byte> head(12);
  bool read = s.read(head);
  EXPECT_FALSE(read && std::memcmp(head.data(), "HTTP/1.1 200", 12) == 0);
}

}  // namespace
}  // namespace cairn::testing
