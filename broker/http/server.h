#pragma once

// Server: the HTTP/1.1 listener for metrics, health, the JSON API and the web console. It runs
// on an io_context and a thread of its own, never a shard's, so a slow scrape or a large page
// costs the brokers' cores nothing but the reads the handlers make.
//
// Each connection reads one request at a time (keep-alive, no pipelining ahead of an answer),
// routes it (router.h), waits for the handler's answer and writes it. Everything is bounded:
// connections, header and body bytes, the time to read a request, the idle time between
// requests, the time to write an answer and the time a handler may take. Past a limit the
// client gets the status that says so (503, 431, 413, 408 is not sent: a slow client is closed)
// and the connection is closed.
//
// With `tls` set the listener speaks HTTPS only: each connection's TLS handshake must finish
// within read_timeout; no client certificate is asked for.
//
// Owned by the embedder; start() once, stop() (or the destructor) once. The router is read-only
// once the server has started.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "broker/http/router.h"
#include "protocol/status.h"

namespace boost::asio::ssl {
class context;
}

namespace cairn::broker::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 9644;  // 0: an ephemeral port (tests)
  size_t max_connections = 64;
  size_t max_header_bytes = size_t{8} * 1024;
  size_t max_body_bytes = size_t{1024} * 1024;
  std::chrono::milliseconds read_timeout{10'000};     // a whole request, once it has begun
  std::chrono::milliseconds idle_timeout{60'000};     // between requests on one connection
  std::chrono::milliseconds write_timeout{10'000};    // a whole response
  std::chrono::milliseconds handler_timeout{30'000};  // an answer from the handler
  // The server's TLS context (certificate and key), owned by the embedder and outliving the
  // server; null: plain HTTP.
  boost::asio::ssl::context* tls = nullptr;
};

class Server {
 public:
  Server(Router router, ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving on the server's own thread. Errors: unavailable (the address is
  // in use or cannot be bound), invalid_argument (not an address).
  Status start();
  // Closes the listener and every connection, and joins the thread. Idempotent.
  void stop();
  // The bound port (the ephemeral one when options.port was 0); 0 before start().
  uint16_t port() const;

  struct Core;

 private:
  std::shared_ptr<Core> core_;
};

}  // namespace cairn::broker::http
