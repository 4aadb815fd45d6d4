#pragma once

// Server: the listening socket. It lives on shard 0, accepts each connection straight onto the
// io_context of the next shard in turn, and refuses connections past the limit.

#include "broker/async.h"

#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "protocol/status.h"

namespace cairn::broker {

class Broker;

class Server {
 public:
  explicit Server(Broker& broker);
  ~Server();

  // Binds and listens on the configured address (port 0: any free port).
  Status listen();
  // Starts accepting; connections are served until stop_accepting().
  void start();
  void stop_accepting();
  uint16_t port() const { return port_; }

 private:
  awaitable<void> accept_loop();

  Broker& broker_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace cairn::broker
