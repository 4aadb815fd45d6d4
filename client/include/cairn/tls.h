#pragma once

// TlsConfig: how a client reaches a broker whose listener speaks TLS. The client always
// verifies the broker: its certificate must chain to a CA of `ca_file` (or of the system's CA
// store when that is empty) and name the host it dials (a DNS name, or an IP address among the
// certificate's IP addresses). TLS 1.2 or 1.3 only.

#include <string>

namespace cairn::client {

struct TlsConfig {
  bool enabled = false;
  std::string ca_file;      // PEM CAs the broker's certificate must chain to; empty: the system's
  std::string server_name;  // the name the certificate must carry; empty: the broker's host
  // The client's own PEM certificate and key, for a broker that requires one (mutual TLS).
  std::string certificate_file;
  std::string private_key_file;
};

}  // namespace cairn::client
