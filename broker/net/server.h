#pragma once

// Server: one listening socket. It lives on shard 0, accepts each connection straight onto the
// io_context of the next shard in turn, and refuses connections past the limits (in total and
// per client address, counted over every listener) or once the broker is stopping. Its sessions
// speak the protocol of its FrontEnd; the server itself knows none.

#include "broker/async.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "protocol/status.h"

namespace cairn::broker {

class BrokerServices;
class ConnectionLimiter;
class FrontEnd;
struct SessionMover;
struct ListenerSasl;
struct ListenerTls;

// One open connection, counted in total and against its client address; the counts drop when
// this goes away. Held by the connection's Session, on any shard.
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

// Open connections in total and per client address. Acceptors (shard 0) take leases; sessions
// on every shard drop them, so the counts sit behind a mutex (taken once per connect and once
// per close, never on the request path).
class ConnectionLimiter : public std::enable_shared_from_this<ConnectionLimiter> {
 public:
  ConnectionLimiter(uint32_t total, uint32_t per_address)
      : total_(total), per_address_(per_address) {}
  // A lease for one more connection from `address`, or null (with why in `refusal`) when the
  // total or that address already has the maximum.
  std::unique_ptr<ConnectionLease> try_acquire(const asio::ip::address& address,
                                               const char*& refusal);
  uint32_t open(const asio::ip::address& address);
  uint32_t open_total();

 private:
  friend class ConnectionLease;
  void release(const asio::ip::address& address);

  const uint32_t total_;
  const uint32_t per_address_;
  std::mutex mu_;
  uint32_t open_total_ = 0;
  std::map<asio::ip::address, uint32_t> open_;
};

class Server {
 public:
  // A listener on host:port whose connections `front_end` serves, over TLS when `tls` is set,
  // authenticated with SASL when `sasl` is set. `services`, `front_end`, `limiter`, `tls` and
  // `sasl` outlive it.
  Server(BrokerServices& services, FrontEnd& front_end, std::string host, uint16_t port,
         std::shared_ptr<ConnectionLimiter> limiter, const ListenerTls* tls = nullptr,
         const ListenerSasl* sasl = nullptr);
  ~Server();

  // Binds and listens (port 0: any free port).
  Status listen();
  // Starts accepting; connections are served until stop_accepting().
  void start();
  // Any thread.
  void stop_accepting();
  uint16_t port() const { return port_; }

 private:
  awaitable<void> accept_loop();
  // A new session on `shard` for a connection a session of this listener hands over
  // (SessionMover): posted to that shard, which takes the descriptor into its reactor.
  void move_session(unsigned shard, asio::ip::tcp protocol, int fd,
                    std::unique_ptr<ConnectionLease> lease, std::vector<std::byte> bytes);

  BrokerServices& services_;
  FrontEnd& front_end_;
  std::string host_;
  uint16_t port_;
  std::shared_ptr<ConnectionLimiter> limiter_;
  const ListenerTls* tls_;
  const ListenerSasl* sasl_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  std::unique_ptr<SessionMover> mover_;
  uint64_t refused_ = 0;
};

}  // namespace cairn::broker
