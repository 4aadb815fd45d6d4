#pragma once

// A blocking HTTP/1.1 client for tests, on a raw loopback socket: it sends exactly the bytes
// it is given (well-formed requests or not) and parses what comes back, so tests can check
// limits, keep-alive and closes. Deadlines everywhere; loopback only.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace cairn::testing {

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool send_raw(const std::string& bytes);
  // Reads one response. `head` for the answer to a HEAD (no body, whatever Content-Length
  // says). nullopt if the connection closed or nothing complete came within `limit`.
  std::optional<HttpResponse> read_response(bool head = false,
                                            std::chrono::milliseconds limit = std::chrono::seconds(10));
  // True when the server closed the connection within `limit`.
  bool closed_by_peer(std::chrono::milliseconds limit = std::chrono::seconds(10));

  // Sends a request and reads its response.
  std::optional<HttpResponse> request(const std::string& method, const std::string& target,
                                      const std::string& body = "",
                                      const std::string& extra_headers = "");

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  std::string buffer_;
  bool eof_ = false;
};

// One request on a connection of its own.
std::optional<HttpResponse> http_get(uint16_t port, const std::string& target);

}  // namespace cairn::testing
