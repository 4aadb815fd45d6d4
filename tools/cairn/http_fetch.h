#pragma once

// A small blocking HTTP/1.1 GET for the CLI (`cairn top` reads /metrics with it): one request
// per connection, a deadline on the whole exchange, a cap on the body, Content-Length, chunked
// or read-to-close bodies.

#include <chrono>
#include <string>

#include "protocol/status.h"

namespace cairn::tools {

struct HttpTarget {
  std::string host = "127.0.0.1";
  std::string port = "9644";
};

// Parses "HOST:PORT" (or "[v6]:PORT"); invalid_argument if it is not.
Result<HttpTarget> parse_http_target(const std::string& text);

// GETs `path`; the body of a 200. Errors: unavailable (no connection, a cut-off answer),
// timed_out, invalid_argument (not HTTP, too large), not_found (any other status, with it).
Result<std::string> http_fetch(const HttpTarget& target, const std::string& path,
                               std::chrono::milliseconds timeout, size_t max_body_bytes);

}  // namespace cairn::tools
