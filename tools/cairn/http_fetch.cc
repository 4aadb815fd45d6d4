#include "tools/cairn/http_fetch.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace cairn::tools {

namespace {

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

class Socket {
 public:
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }
  void reset(int fd) { fd_ = fd; }

 private:
  int fd_ = -1;
};

Status connect_to(Socket& socket, const HttpTarget& target, Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); rc != 0) {
    return Status::unavailable("cannot resolve " + target.host + ": " + ::gai_strerror(rc));
  }
  std::string last_error = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    socket.reset(fd);
    if (::connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      int error = 0;
      socklen_t length = sizeof error;
      if (::poll(&p, 1, remaining_ms(deadline)) == 1 &&
          ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0) {
        ::freeaddrinfo(found);
        return Status::ok();
      }
      last_error = error != 0 ? std::strerror(error) : "timed out";
    } else {
      last_error = std::strerror(errno);
    }
    ::close(fd);
    socket.reset(-1);
  }
  ::freeaddrinfo(found);
  return Status::unavailable("cannot connect to " + target.host + ":" + target.port + ": " +
                             last_error);
}

Status send_all(int fd, const std::string& bytes, Clock::time_point deadline) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Status::unavailable(std::string("send failed: ") + std::strerror(errno));
    }
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return Status::timed_out("sending timed out");
  }
  return Status::ok();
}

// Everything until the server closes, within the deadline and the cap.
Result<std::string> receive_all(int fd, Clock::time_point deadline, size_t cap) {
  std::string data;
  char chunk[65536];
  for (;;) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n > 0) {
      data.append(chunk, static_cast<size_t>(n));
      if (data.size() > cap) return Status::invalid_argument("the answer is larger than the limit");
      continue;
    }
    if (n == 0) return data;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      return Status::unavailable(std::string("receive failed: ") + std::strerror(errno));
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, remaining_ms(deadline)) <= 0) return Status::timed_out("the answer timed out");
  }
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

Result<std::string> dechunk(std::string_view body) {
  std::string out;
  for (;;) {
    size_t line_end = body.find("\r\n");
    if (line_end == std::string_view::npos) return Status::unavailable("a cut-off chunked body");
    size_t size = 0;
    auto [end, ec] = std::from_chars(body.data(), body.data() + line_end, size, 16);
    if (ec != std::errc() || end == body.data()) return Status::invalid_argument("a malformed chunk size");
    body.remove_prefix(line_end + 2);
    if (size == 0) return out;
    if (body.size() < size + 2) return Status::unavailable("a cut-off chunked body");
    out.append(body.substr(0, size));
    body.remove_prefix(size + 2);
  }
}

}  // namespace

Result<HttpTarget> parse_http_target(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    return Status::invalid_argument("'" + text + "' is not HOST:PORT");
  }
  HttpTarget target{text.substr(0, colon), text.substr(colon + 1)};
  if (target.host.front() == '[' && target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  int port = 0;
  auto [end, ec] = std::from_chars(target.port.data(), target.port.data() + target.port.size(), port);
  if (ec != std::errc() || end != target.port.data() + target.port.size() || port < 1 || port > 65535) {
    return Status::invalid_argument("'" + text + "' has no valid port");
  }
  return target;
}

Result<std::string> http_fetch(const HttpTarget& target, const std::string& path,
                               std::chrono::milliseconds timeout, size_t max_body_bytes) {
  auto deadline = Clock::now() + timeout;
  Socket socket;
  CAIRN_RETURN_IF_ERROR(connect_to(socket, target, deadline));
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + target.host + ":" + target.port +
                        "\r\nAccept: text/plain, */*\r\nConnection: close\r\n"
                        "User-Agent: cairn\r\n\r\n";
  CAIRN_RETURN_IF_ERROR(send_all(socket.fd(), request, deadline));
  auto received = receive_all(socket.fd(), deadline, max_body_bytes + 64 * 1024);
  if (!received) return received.error();
  std::string_view data = *received;
  size_t head_end = data.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return Status::unavailable("the answer was cut off");
  std::string_view head = data.substr(0, head_end);
  std::string_view body = data.substr(head_end + 4);
  if (!head.starts_with("HTTP/1.") || head.size() < 12) {
    return Status::invalid_argument("the answer is not HTTP");
  }
  int status = 0;
  std::from_chars(head.data() + 9, head.data() + 12, status);
  bool chunked = false;
  std::optional<size_t> length;
  size_t pos = head.find("\r\n");
  while (pos != std::string_view::npos && pos < head.size()) {
    size_t next = head.find("\r\n", pos + 2);
    std::string_view field = head.substr(pos + 2, (next == std::string_view::npos ? head.size() : next) - pos - 2);
    size_t colon = field.find(':');
    if (colon != std::string_view::npos) {
      std::string name = lower(std::string(field.substr(0, colon)));
      std::string value = lower(std::string(field.substr(colon + 1)));
      value.erase(0, value.find_first_not_of(' '));
      if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) chunked = true;
      if (name == "content-length") {
        size_t n = 0;
        std::from_chars(value.data(), value.data() + value.size(), n);
        length = n;
      }
    }
    pos = next;
  }
  std::string content;
  if (chunked) {
    auto decoded = dechunk(body);
    if (!decoded) return decoded.error();
    content = std::move(*decoded);
  } else if (length) {
    if (body.size() < *length) return Status::unavailable("the answer was cut off");
    content = std::string(body.substr(0, *length));
  } else {
    content = std::string(body);
  }
  if (content.size() > max_body_bytes) return Status::invalid_argument("the answer is larger than the limit");
  if (status != 200) {
    return Status::not_found("GET " + path + " answered " + std::to_string(status));
  }
  return content;
}

}  // namespace cairn::tools
