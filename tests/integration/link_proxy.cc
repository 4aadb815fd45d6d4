#include "tests/integration/link_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace cairn::testing {

namespace {

int connect_to(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Copies `from` to `to` until either side ends, then shuts both down.
void pump(int from, int to) {
  char buf[65536];
  for (;;) {
    ssize_t n = ::recv(from, buf, sizeof buf, 0);
    if (n <= 0) break;
    const char* p = buf;
    auto left = static_cast<size_t>(n);
    while (left > 0) {
      ssize_t put = ::send(to, p, left, MSG_NOSIGNAL);
      if (put <= 0) break;
      p += put;
      left -= static_cast<size_t>(put);
    }
    if (left > 0) break;
  }
  ::shutdown(from, SHUT_RDWR);
  ::shutdown(to, SHUT_RDWR);
}

}  // namespace

LinkProxy::LinkProxy(uint16_t upstream_port) : upstream_(upstream_port) {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener_, 64) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    throw std::runtime_error("proxy cannot listen");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LinkProxy::~LinkProxy() {
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

void LinkProxy::cut() {
  cut_ = true;
  std::lock_guard lock(mu_);
  for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

void LinkProxy::accept_loop() {
  while (!stopping_) {
    int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) {
      if (stopping_) return;
      continue;
    }
    std::lock_guard lock(mu_);
    sockets_.push_back(client);
    if (cut_) {
      ::shutdown(client, SHUT_RDWR);
      continue;
    }
    threads_.emplace_back([this, client] { serve(client); });
  }
}

void LinkProxy::serve(int client) {
  int upstream = connect_to(upstream_);
  if (upstream < 0) {
    ::shutdown(client, SHUT_RDWR);
    return;
  }
  {
    std::lock_guard lock(mu_);
    sockets_.push_back(upstream);
  }
  std::thread down([client, upstream] { pump(upstream, client); });
  pump(client, upstream);
  down.join();
}

}  // namespace cairn::testing
