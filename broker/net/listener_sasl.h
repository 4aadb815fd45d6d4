#pragma once

// ListenerSasl: what a listener that requires SASL authentication hands its sessions: the
// mechanisms it offers (--sasl-mechanisms) and where the stored credentials are looked up (the
// broker's current security snapshot). Built once at start; shared read-only by every session
// on every shard. Each session runs its own SaslAuthenticator (broker/security/) with it; until
// that authenticates, the session serves only what its front end allows before authentication.

#include <vector>

#include "broker/security/sasl_authenticator.h"

namespace cairn::broker {

struct ListenerSasl {
  std::vector<security::SaslMechanism> mechanisms;
  // Safe to call from any shard.
  security::CredentialLookup lookup;
};

}  // namespace cairn::broker
