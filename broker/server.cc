#include "broker/server.h"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>

#include "broker/broker.h"
#include "broker/session.h"

namespace cairn::broker {

using asio::ip::tcp;

Server::Server(Broker& broker) : broker_(broker) {}

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
    if (broker_.connections().load() >= limits.max_connections || broker_.shutting_down()) {
      if (refused_++ % 1000 == 0) {
        spdlog::warn("refusing a connection: {} of {} connections in use ({} refused so far)",
                     broker_.connections().load(), limits.max_connections, refused_);
      }
      socket.close(ec);
      continue;
    }
    broker_.connections().fetch_add(1);
    asio::post(target.context(), [this, &target, s = std::move(socket)]() mutable {
      std::make_shared<Session>(std::move(s), broker_, target)->start();
    });
  }
}

}  // namespace cairn::broker
