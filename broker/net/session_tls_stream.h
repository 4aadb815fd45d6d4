#pragma once

// The session's TLS stream (session.h), for the session's own sources only: it brings in Asio's
// SSL support, which the session's header keeps out.

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "broker/net/session.h"

namespace cairn::broker {

// The TLS stream over the session's socket (which it does not own).
struct Session::TlsStream {
  TlsStream(asio::ip::tcp::socket& socket, asio::ssl::context& context) : stream(socket, context) {}
  asio::ssl::stream<asio::ip::tcp::socket&> stream;
};

}  // namespace cairn::broker
