#pragma once

// SaslConfig: how a client authenticates to a broker whose listener requires SASL. SCRAM
// (SCRAM-SHA-256 or SCRAM-SHA-512) proves the password without sending it and checks that the
// broker holds the user's verifier too; a failed authentication fails the connect (the broker
// closes the connection). Use it over TLS to keep what follows private.

#include <string>

namespace cairn::client {

struct SaslConfig {
  std::string mechanism;  // "SCRAM-SHA-256" or "SCRAM-SHA-512"; empty: no authentication
  std::string username;
  std::string password;
};

}  // namespace cairn::client
