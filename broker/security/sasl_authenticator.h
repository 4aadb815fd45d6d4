#pragma once

// SaslAuthenticator: one connection's SASL authentication, sans I/O and protocol-neutral, so
// that Kafka's listener (SaslHandshake + SaslAuthenticate) and Cairn's own carry the same
// exchange. The session feeds it the handshake's mechanism name and then each authenticate
// request's bytes, and sends back what it returns:
//
//   kAwaitingHandshake --handshake(name)--> kAwaitingAuthenticate --authenticate(bytes)...-->
//   kAuthenticated (principal() is "User:NAME") or kFailed
//
// Rules the session enforces around it: until kAuthenticated it serves only version
// negotiation and these two requests, reads frames of at most frame_limit() bytes, and answers
// a failed authentication only after kFailedAuthenticationDelay, then closes the connection.
// PLAIN is offered only on a TLS connection and only when enabled; its password is checked
// against the user's SCRAM credential (SCRAM-SHA-512's if there is one, else SCRAM-SHA-256's).
//
// One per connection, used by its core's thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_mechanism.h"
#include "protocol/sasl/scram_server.h"

namespace cairn::broker::security {

enum class SaslMechanism : uint8_t { kScramSha256, kScramSha512, kPlain };

// "SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN".
std::string_view mechanism_name(SaslMechanism m);
std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name);

// Kafka's sasl.server.max.receive.size: the largest frame read before authentication.
inline constexpr uint32_t kMaxPreAuthenticationFrameBytes = 512 * 1024;
// Kafka's connection.failed.authentication.delay.ms default.
inline constexpr std::chrono::milliseconds kFailedAuthenticationDelay{100};

// The stored credential of `user` for `mechanism`, or nullopt.
using CredentialLookup = std::function<std::optional<protocol::sasl::ScramCredential>(
    std::string_view user, protocol::sasl::ScramMechanism mechanism)>;

struct SaslOptions {
  std::vector<SaslMechanism> enabled;  // --sasl-mechanisms
  bool tls = false;                    // whether this connection is TLS
  CredentialLookup lookup;
};

class SaslAuthenticator {
 public:
  enum class State { kAwaitingHandshake, kAwaitingAuthenticate, kAuthenticated, kFailed };

  struct Step {
    enum class Outcome {
      kContinue,              // send `reply`, expect another authenticate request
      kAuthenticated,         // send `reply` (possibly empty); the connection is authenticated
      kUnsupportedMechanism,  // UNSUPPORTED_SASL_MECHANISM, with offered_mechanisms()
      kIllegalState,          // ILLEGAL_SASL_STATE: a request out of turn; close
      kFailed,                // SASL_AUTHENTICATION_FAILED after the delay; close
    };
    Outcome outcome = Outcome::kContinue;
    std::string reply;
    std::string reason;  // for the broker's log; never sent (it may tell users apart)
  };

  explicit SaslAuthenticator(SaslOptions options);
  ~SaslAuthenticator();

  // The names this connection may ask for, in the broker's order.
  std::vector<std::string> offered_mechanisms() const;
  Step handshake(std::string_view mechanism);
  Step authenticate(std::string_view bytes);

  State state() const { return state_; }
  bool authenticated() const { return state_ == State::kAuthenticated; }
  const std::string& principal() const { return principal_; }
  // The largest frame to read now: `configured`, but no more than
  // kMaxPreAuthenticationFrameBytes before authentication.
  uint32_t frame_limit(uint32_t configured) const;

 private:
  bool offers(SaslMechanism m) const;
  Step fail(Step::Outcome outcome, std::string reason);
  Step authenticate_plain(std::string_view bytes);
  Step authenticate_scram(std::string_view bytes);

  SaslOptions options_;
  State state_ = State::kAwaitingHandshake;
  SaslMechanism mechanism_ = SaslMechanism::kScramSha256;
  std::unique_ptr<protocol::sasl::ScramServer> scram_;
  std::string principal_;
};

}  // namespace cairn::broker::security
