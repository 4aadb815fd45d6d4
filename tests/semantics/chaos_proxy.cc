#include "tests/semantics/chaos_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "tests/support/loopback_socket.h"

namespace cairn::testing {

ChaosProxy::ChaosProxy(uint16_t upstream_port, double drop_probability)
    : upstream_(upstream_port), drop_probability_(drop_probability) {
  listener_ = listen_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ChaosProxy::~ChaosProxy() {
  stopping_ = true;
  ::shutdown(listener_, SHUT_RDWR);
  ::close(listener_);
  acceptor_.join();
  {
    std::lock_guard lock(mu_);
    for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
  }
  for (auto& t : threads_) t.join();
  for (int fd : sockets_) ::close(fd);
}

void ChaosProxy::accept_loop() {
  while (!stopping_) {
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    std::lock_guard lock(mu_);
    sockets_.push_back(client);
    threads_.emplace_back([this, client] { serve(client); });
  }
}

void ChaosProxy::serve(int client) {
  int upstream = connect_loopback(upstream_);
  if (upstream < 0) {
    ::shutdown(client, SHUT_RDWR);
    return;
  }
  {
    std::lock_guard lock(mu_);
    sockets_.push_back(upstream);
  }
  // Requests pass through untouched.
  std::thread up([client, upstream] {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(client, buf, sizeof buf, 0);
      if (n <= 0 || !write_all(upstream, buf, static_cast<size_t>(n))) break;
    }
    ::shutdown(upstream, SHUT_RDWR);
    ::shutdown(client, SHUT_RDWR);
  });
  // Responses go frame by frame; some are dropped together with the connection.
  std::vector<char> frame;
  for (;;) {
    uint32_t length = 0;
    if (!read_exact(upstream, &length, 4)) break;
    frame.resize(length);
    if (!read_exact(upstream, frame.data(), length)) break;
    bool drop;
    {
      std::lock_guard lock(mu_);
      drop = std::uniform_real_distribution<double>(0, 1)(rng_) < drop_probability_;
    }
    ++responses_;
    if (drop) {
      ++drops_;
      break;
    }
    if (!write_all(client, &length, 4) || !write_all(client, frame.data(), length)) break;
  }
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(upstream, SHUT_RDWR);
  up.join();
}

}  // namespace cairn::testing
