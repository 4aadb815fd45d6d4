#pragma once

// A raw TCP client for integration tests that send whatever bytes they want: malformed frames,
// pipelined requests, nothing at all. Blocking, with deadlines; loopback only.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/codec.h"

namespace cairn::testing {

class RawSocket {
 public:
  // Connects to 127.0.0.1:`port`, from `source` (another loopback address such as 127.0.0.2
  // makes the broker see a different client address).
  explicit RawSocket(uint16_t port, const char* source = nullptr) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (source != nullptr) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &from.sin_addr);
      if (::bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawSocket() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawSocket(RawSocket&& o) noexcept : fd_(std::exchange(o.fd_, -1)), connected_(o.connected_) {}
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  bool connected() const { return connected_; }
  bool send(const std::vector<std::byte>& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }
  // True when the peer closed the connection within `limit` (reads return 0 or fail). Bytes
  // that arrive meanwhile are dropped.
  bool closed_within(std::chrono::milliseconds limit) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return true;
    }
    return false;
  }
  // Reads one response frame (the bytes after the length); nullopt on close or timeout.
  std::optional<std::vector<std::byte>> read_frame(
      std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    std::vector<std::byte> len(4);
    if (!read_exact(len, limit)) return std::nullopt;
    std::vector<std::byte> body(protocol::load_le<uint32_t>(len.data()));
    if (!read_exact(body, limit)) return std::nullopt;
    return body;
  }
  // Reads exactly out.size() bytes; false on close or timeout.
  bool read(std::vector<std::byte>& out,
            std::chrono::milliseconds limit = std::chrono::seconds(10)) {
    return read_exact(out, limit);
  }

 private:
  bool read_exact(std::vector<std::byte>& out, std::chrono::milliseconds limit) {
    size_t done = 0;
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (done < out.size()) {
      pollfd p{fd_, POLLIN, 0};
      if (std::chrono::steady_clock::now() > deadline) return false;
      if (::poll(&p, 1, 50) <= 0) continue;
      ssize_t n = ::recv(fd_, out.data() + done, out.size() - done, 0);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
};

// A request frame with a raw body.
inline std::vector<std::byte> raw_request(uint16_t api, uint16_t version, uint32_t correlation,
                                          const std::vector<std::byte>& body) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.begin_frame();
  e.write<uint16_t>(api);
  e.write<uint16_t>(version);
  e.write<uint32_t>(correlation);
  e.write_string("raw");
  out.insert(out.end(), body.begin(), body.end());
  e.end_frame();
  return out;
}

// A request frame carrying `body` (any request body type with encode()).
template <typename Body>
std::vector<std::byte> encoded_request(uint16_t api, uint32_t correlation, const Body& body,
                                       uint16_t version = 0) {
  std::vector<std::byte> encoded;
  protocol::Encoder e(encoded);
  body.encode(e, version);
  return raw_request(api, version, correlation, encoded);
}

}  // namespace cairn::testing
