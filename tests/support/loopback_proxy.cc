#include "tests/support/loopback_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

#include "tests/support/loopback_socket.h"

namespace cairn::testing {

LoopbackProxy::LoopbackProxy(uint16_t upstream_port) : upstream_(upstream_port) {
  listener_ = listen_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoopbackProxy::~LoopbackProxy() {
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

int64_t LoopbackProxy::requests(uint16_t api_key) const {
  return api_key < counts_.size() ? counts_[api_key].load() : 0;
}

void LoopbackProxy::cut() {
  cut_ = true;
  std::lock_guard lock(mu_);
  for (int fd : sockets_) ::shutdown(fd, SHUT_RDWR);
}

void LoopbackProxy::accept_loop() {
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
    if (cut_) {
      ::shutdown(client, SHUT_RDWR);
      continue;
    }
    threads_.emplace_back([this, client] { serve(client); });
  }
}

void LoopbackProxy::serve(int client) {
  int upstream = connect_loopback(upstream_);
  if (upstream < 0) {
    ::shutdown(client, SHUT_RDWR);
    return;
  }
  {
    std::lock_guard lock(mu_);
    sockets_.push_back(upstream);
  }
  // Responses pass through untouched.
  std::thread down([client, upstream] {
    char buf[65536];
    for (;;) {
      ssize_t n = ::recv(upstream, buf, sizeof buf, 0);
      if (n <= 0 || !write_all(client, buf, static_cast<size_t>(n))) break;
    }
    ::shutdown(upstream, SHUT_RDWR);
    ::shutdown(client, SHUT_RDWR);
  });
  // Requests go frame by frame (PROTOCOL.md, "Frames": u32 length, then the u16 API key).
  std::vector<char> frame;
  for (;;) {
    uint32_t length = 0;
    if (!read_exact(client, &length, 4) || length < 2 || length > (64u << 20)) break;
    frame.resize(length);
    if (!read_exact(client, frame.data(), length)) break;
    uint16_t api = 0;
    std::memcpy(&api, frame.data(), 2);
    if (api < counts_.size()) ++counts_[api];
    if (!write_all(upstream, &length, 4) || !write_all(upstream, frame.data(), length)) break;
  }
  ::shutdown(client, SHUT_RDWR);
  ::shutdown(upstream, SHUT_RDWR);
  down.join();
}

}  // namespace cairn::testing
