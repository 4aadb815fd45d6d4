#include "broker/net/server.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <utility>

#include <boost/asio/post.hpp>

#include "broker/broker_metrics.h"
#include "broker/net/front_end.h"
#include "broker/net/session.h"
#include "broker/services.h"

namespace cairn::broker {

using asio::ip::tcp;

ConnectionLease::~ConnectionLease() { limiter_->release(address_); }

std::unique_ptr<ConnectionLease> ConnectionLimiter::try_acquire(const asio::ip::address& address,
                                                                const char*& refusal) {
  std::lock_guard lock(mu_);
  if (open_total_ >= total_) {
    refusal = "--max-connections reached";
    return nullptr;
  }
  uint32_t& n = open_[address];
  if (n >= per_address_) {
    if (n == 0) open_.erase(address);
    refusal = "--max-connections-per-ip reached for this address";
    return nullptr;
  }
  ++n;
  ++open_total_;
  return std::make_unique<ConnectionLease>(shared_from_this(), address);
}

uint32_t ConnectionLimiter::open(const asio::ip::address& address) {
  std::lock_guard lock(mu_);
  auto it = open_.find(address);
  return it == open_.end() ? 0 : it->second;
}

uint32_t ConnectionLimiter::open_total() {
  std::lock_guard lock(mu_);
  return open_total_;
}

void ConnectionLimiter::release(const asio::ip::address& address) {
  std::lock_guard lock(mu_);
  --open_total_;
  auto it = open_.find(address);
  if (it != open_.end() && --it->second == 0) open_.erase(it);
}

Server::Server(BrokerServices& services, FrontEnd& front_end, std::string host, uint16_t port,
               std::shared_ptr<ConnectionLimiter> limiter, const ListenerTls* tls,
               const ListenerSasl* sasl)
    : services_(services),
      front_end_(front_end),
      host_(std::move(host)),
      port_(port),
      limiter_(std::move(limiter)),
      tls_(tls),
      sasl_(sasl),
      mover_(std::make_unique<SessionMover>()) {
  mover_->shard_count = services_.shard_count();
  mover_->move = [this](unsigned shard, tcp protocol, int fd,
                        std::unique_ptr<ConnectionLease> lease, std::vector<std::byte> bytes) {
    move_session(shard, protocol, fd, std::move(lease), std::move(bytes));
  };
}

Server::~Server() = default;

namespace {

// A descriptor on its way to another shard: closed if the shard never takes it (it stopped).
class PassedFd {
 public:
  explicit PassedFd(int fd) : fd_(fd) {}
  PassedFd(PassedFd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  PassedFd& operator=(PassedFd&&) = delete;
  PassedFd(const PassedFd&) = delete;
  PassedFd& operator=(const PassedFd&) = delete;
  ~PassedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int take() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

}  // namespace

void Server::move_session(unsigned shard, tcp protocol, int fd,
                          std::unique_ptr<ConnectionLease> lease, std::vector<std::byte> bytes) {
  Shard& target = services_.shard(shard);
  asio::post(target.context(), [this, &target, protocol, passed = PassedFd(fd),
                                lease = std::move(lease), bytes = std::move(bytes)]() mutable {
    tcp::socket socket(target.context());
    boost::system::error_code ec;
    int descriptor = passed.take();
    socket.assign(protocol, descriptor, ec);
    if (ec) {
      ::close(descriptor);
      spdlog::warn("moving a connection to shard {} failed: {}", target.id(), ec.message());
      return;
    }
    // It moved once: it stays.
    std::make_shared<Session>(std::move(socket), target, front_end_, services_.config().limits,
                              std::move(lease), tls_, sasl_, nullptr, std::move(bytes))
        ->start();
  });
}

Status Server::listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(host_, ec);
  if (ec) return Status::invalid_argument("bad listen address '" + host_ + "'");
  tcp::endpoint endpoint(address, port_);
  acceptor_ = std::make_unique<tcp::acceptor>(services_.shard(0).context());
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status::unavailable("cannot listen on " + host_ + ":" + std::to_string(port_) + ": " +
                               ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  return Status::ok();
}

void Server::start() {
  asio::co_spawn(services_.shard(0).executor(), accept_loop(), asio::detached);
}

void Server::stop_accepting() {
  asio::post(services_.shard(0).context(), [this] {
    boost::system::error_code ec;
    acceptor_->close(ec);
  });
}

awaitable<void> Server::accept_loop() {
  const auto& limits = services_.config().limits;
  size_t next = 0;
  for (;;) {
    Shard& target = services_.shard(static_cast<unsigned>(next++ % services_.shard_count()));
    tcp::socket socket(target.context());
    boost::system::error_code ec;
    co_await acceptor_->async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_->is_open()) co_return;
    if (ec) {
      // Out of descriptors (EMFILE) and the like: back off instead of spinning on accept.
      spdlog::warn("accept failed: {}; pausing accepts for 100 ms", ec.message());
      asio::steady_timer pause(services_.shard(0).context(), std::chrono::milliseconds(100));
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
    if (services_.shutting_down()) {
      refusal = "the broker is stopping";
    } else {
      lease = limiter_->try_acquire(peer.address(), refusal);
    }
    if (lease == nullptr) {
      services_.metrics().connections_rejected.inc(0);  // the accept loop runs on shard 0
      if (refused_++ % 1000 == 0) {
        spdlog::warn(
            "refusing a connection from {}: {} ({} of {} connections in use, {} from "
            "this address; {} refused so far)",
            peer.address().to_string(), refusal, limiter_->open_total(), limits.max_connections,
            limiter_->open(peer.address()), refused_);
      }
      socket.close(ec);
      continue;
    }
    services_.metrics().connections_accepted.inc(0);
    asio::post(target.context(),
               [this, &target, &limits, s = std::move(socket), lease = std::move(lease)]() mutable {
                 std::make_shared<Session>(std::move(s), target, front_end_, limits,
                                           std::move(lease), tls_, sasl_, mover_.get())
                     ->start();
               });
  }
}

}  // namespace cairn::broker
