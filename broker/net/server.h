#pragma once

// Server: the listening socket. It lives on shard 0, accepts each connection straight onto the
// io_context of the next shard in turn, and refuses connections past the limits (in total and
// per client address).

#include "broker/async.h"

#include <map>
#include <memory>
#include <mutex>

#include <boost/asio/ip/tcp.hpp>

#include "protocol/status.h"

namespace cairn::broker {

class Broker;
class ConnectionLimiter;

// One open connection counted against its client address; the count drops when this goes away.
// Held by the connection's Session, on any shard.
class ConnectionLease {
 public:
  ConnectionLease(std::shared_ptr<ConnectionLimiter> limiter, asio::ip::address address)
      : limiter_(std::move(limiter)), address_(std::move(address)) {}
  ~ConnectionLease();
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;

 private:
  std::shared_ptr<ConnectionLimiter> limiter_;
  asio::ip::address address_;
};

// Open connections per client address. The acceptor (shard 0) takes leases; sessions on every
// shard drop them, so the counts sit behind a mutex (taken once per connect and once per close,
// never on the request path).
class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  explicit ConnectionLimiter(uint32_t per_address) : per_address_(per_address) {}
  // A lease for one more connection from `address`, or null when it already has the maximum.
  std::unique_ptr<ConnectionLease> try_acquire(const asio::ip::address& address);
  uint32_t open(const asio::ip::address& address);

 private:
  friend class ConnectionLease;
  void release(const asio::ip::address& address);

  const uint32_t per_address_;
  std::mutex mu_;
  std::map<asio::ip::address, uint32_t> open_;
};

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
  std::shared_ptr<ConnectionLimiter> limiter_;
  uint16_t port_ = 0;
  uint64_t refused_ = 0;
};

}  // namespace cairn::broker
