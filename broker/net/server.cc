#include "broker/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "broker/broker.h"
#include "broker/session.h"

namespace cairn::broker {

using asio::ip::tcp;

ConnectionLease::~ConnectionLease() { limiter_->release(address_); }

std::unique_ptr<ConnectionLease> ConnectionLimiter::try_acquire(const asio::ip::address& address) {
  std::lock_guard lock(mu_);
  uint32_t& n = open_[address];
  if (n >= per_address_) {
    if (n == 0) open_.erase(address);
    return nullptr;
  }
  ++n;
  return std::make_unique<ConnectionLease>(shared_from_this(), address);
}

uint32_t ConnectionLimiter::open(const asio::ip::address& address) {
  std::lock_guard lock(mu_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

void ConnectionLimiter::release(const asio::ip::address& address) {
  std::lock_guard lock(mu_);
  auto it = open_.find(address);
  if (it != open_.end() && --it->second == 0) open_.erase(it);
}

Server::Server(Broker& broker)
    : broker_(broker),
      limiter_(std::make_shared<ConnectionLimiter>(broker.config().limits.max_connections_per_ip)) {}

Server::~Server() = default;

Status Server::listen() {
  const auto& config = broker_.config();
  boost::system::error_code ec;
  auto address = asio::ip::make_address(config.host, ec);
  if (ec) return Status::invalid_argument("bad listen address '" + config.host + "'");
  tcp::endpoint endpoint(address, config.port);
  acceptor_ = std::make_unique<tcp::acceptor>(broker_.shard(0).context());
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::unavailable("cannot listen on " + config.host + ":" +
                               std::to_string(config.port) + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  return Status::ok();
}

void Server::start() {
  asio::co_spawn(broker_.shard(0).executor(), accept_loop(), asio::detached);
}

void Server::stop_accepting() {
  asio::post(broker_.shard(0).context(), [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
  });
}

awaitable<void> Server::accept_loop() {
  const auto& limits = broker_.config().limits;
  size_t next = 0;
  for (;;) {
    Shard& target = broker_.shard(next++ % broker_.shard_count());
    tcp::socket socket(target.context());
    boost::system::error_code ec;
    co_await acceptor_->async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: back off instead of spinning on accept.
      spdlog::warn("accept failed: {}; pausing accepts for 100 ms", ec.message());
      asio::steady_timer pause(broker_.shard(0).context(), std::chrono::milliseconds(100));
      co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    auto peer = socket.remote_endpoint(ec);
    if (ec) {
      socket.close(ec);
      continue;
    }
    std::unique_ptr<ConnectionLease> lease;
    const char* refusal = nullptr;
    if (broker_.shutting_down()) {
      refusal = "the broker is stopping";
    } else if (broker_.connections().load() >= limits.max_connections) {
      refusal = "--max-connections reached";
    } else if (lease = limiter_->try_acquire(peer.address()); !lease) {
      refusal = "--max-connections-per-ip reached for this address";
    }
    if (refusal != nullptr) {
      if (refused_++ % 1000 == 0) {
        spdlog::warn("refusing a connection from {}: {} ({} of {} connections in use, {} from "
                     "this address; {} refused so far)",
                     peer.address().to_string(), refusal, broker_.connections().load(),
                     limits.max_connections, limiter_->open(peer.address()), refused_);
      }
      socket.close(ec);
      continue;
    }
    broker_.connections().fetch_add(1);
    asio::post(target.context(),
               [this, &target, s = std::move(socket), lease = std::move(lease)]() mutable {
                 std::make_shared<Session>(std::move(s), broker_, target, std::move(lease))->start();
               });
  }
}

}  // namespace cairn::broker
