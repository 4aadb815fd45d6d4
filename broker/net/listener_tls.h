#pragma once

// ListenerTls: what a listener that speaks TLS hands its sessions: the server context (its
// certificate, and the client CAs when clients must present certificates) and, when client
// certificates name principals (mutual TLS without SASL), the mapping from a certificate's
// subject to a principal. Built once at start; shared read-only by every session on every
// shard. Included only by the code that builds listeners and by the session's source: it brings
// in Asio's SSL support.

#include <boost/asio/ssl/context.hpp>

#include <optional>

#include "broker/security/principal_mapper.h"

namespace cairn::broker {

struct ListenerTls {
  // Mutable: each session's stream takes a reference on it (OpenSSL counts them atomically);
  // nothing changes its settings after start.
  mutable boost::asio::ssl::context context;
  // Set when a verified client certificate names the connection's principal.
  std::optional<security::PrincipalMapper> principals;
};

}  // namespace cairn::broker
