#include "broker/security/sasl_authenticator.h"

#include <algorithm>

#include "protocol/sasl/plain_message.h"

namespace cairn::broker::security {

namespace sasl = protocol::sasl;

namespace {

using Outcome = SaslAuthenticator::Step::Outcome;

constexpr std::string_view kPrincipalPrefix = "User:";

// What PLAIN checks a password against for an unknown user, so that the answer takes as long
// as for a wrong password. Made once; its password is random and thrown away.
const std::optional<sasl::ScramCredential>& decoy_credential() {
  static const std::optional<sasl::ScramCredential> decoy = [] {
    auto password = sasl::make_random_nonce();
    if (!password) return std::optional<sasl::ScramCredential>();
    auto c = sasl::make_scram_credential(sasl::ScramHash::kSha512, *password,
                                         sasl::kDefaultIterations);
    return c ? std::optional(*c) : std::nullopt;
  }();
  return decoy;
}

}  // namespace

std::string_view mechanism_name(SaslMechanism m) {
  switch (m) {
    case SaslMechanism::kScramSha256: return "SCRAM-SHA-256";
    case SaslMechanism::kScramSha512: return "SCRAM-SHA-512";
    case SaslMechanism::kPlain: return "PLAIN";
  }
  return "";
}

std::optional<SaslMechanism> parse_sasl_mechanism(std::string_view name) {
  for (SaslMechanism m :
       {SaslMechanism::kScramSha256, SaslMechanism::kScramSha512, SaslMechanism::kPlain}) {
    if (mechanism_name(m) == name) return m;
  }
  return std::nullopt;
}

SaslAuthenticator::SaslAuthenticator(SaslOptions options) : options_(std::move(options)) {}

SaslAuthenticator::~SaslAuthenticator() = default;

bool SaslAuthenticator::offers(SaslMechanism m) const {
  if (m == SaslMechanism::kPlain && !options_.tls) return false;
  return std::ranges::find(options_.enabled, m) != options_.enabled.end();
}

std::vector<std::string> SaslAuthenticator::offered_mechanisms() const {
  std::vector<std::string> out;
  for (SaslMechanism m : options_.enabled) {
    if (offers(m)) out.emplace_back(mechanism_name(m));
  }
  return out;
}

uint32_t SaslAuthenticator::frame_limit(uint32_t configured) const {
  return authenticated() ? configured : std::min(configured, kMaxPreAuthenticationFrameBytes);
}

SaslAuthenticator::Step SaslAuthenticator::fail(Outcome outcome, std::string reason) {
  if (outcome != Outcome::kUnsupportedMechanism) state_ = State::kFailed;
  return Step{outcome, "", std::move(reason)};
}

SaslAuthenticator::Step SaslAuthenticator::handshake(std::string_view mechanism) {
  if (state_ != State::kAwaitingHandshake) {
    return fail(Outcome::kIllegalState, "a SASL handshake out of turn");
  }
  auto m = parse_sasl_mechanism(mechanism);
  if (!m || !offers(*m)) {
    return fail(Outcome::kUnsupportedMechanism,
                "mechanism '" + std::string(mechanism) + "' is not offered on this connection");
  }
  mechanism_ = *m;
  state_ = State::kAwaitingAuthenticate;
  return Step{Outcome::kContinue, "", ""};
}

SaslAuthenticator::Step SaslAuthenticator::authenticate(std::string_view bytes) {
  if (state_ != State::kAwaitingAuthenticate) {
    return fail(Outcome::kIllegalState, "a SASL authenticate request out of turn");
  }
  if (mechanism_ == SaslMechanism::kPlain) return authenticate_plain(bytes);
  return authenticate_scram(bytes);
}

SaslAuthenticator::Step SaslAuthenticator::authenticate_plain(std::string_view bytes) {
  auto m = sasl::parse_plain_message(bytes);
  if (!m) return fail(Outcome::kFailed, m.error().message());
  if (m->authzid && *m->authzid != m->username) {
    return fail(Outcome::kFailed, "PLAIN: " + m->username + " asked to act as " + *m->authzid);
  }
  std::optional<sasl::ScramCredential> stored;
  if (options_.lookup) {
    stored = options_.lookup(m->username, sasl::ScramMechanism::kScramSha512);
    if (!stored) stored = options_.lookup(m->username, sasl::ScramMechanism::kScramSha256);
  }
  bool known = stored.has_value();
  if (!known) stored = decoy_credential();
  if (!stored) return fail(Outcome::kFailed, "PLAIN: no credential to check against");
  auto ok = sasl::verify_password(*stored, m->password);
  sasl::secure_clear(m->password);
  if (!ok) return fail(Outcome::kFailed, "PLAIN: " + ok.error().message());
  if (!known || !*ok) {
    return fail(Outcome::kFailed, known ? "PLAIN: wrong password for " + m->username
                                        : "PLAIN: unknown user " + m->username);
  }
  principal_ = std::string(kPrincipalPrefix) + m->username;
  state_ = State::kAuthenticated;
  return Step{Outcome::kAuthenticated, "", ""};
}

SaslAuthenticator::Step SaslAuthenticator::authenticate_scram(std::string_view bytes) {
  if (!scram_) {
    auto scram_mechanism = mechanism_ == SaslMechanism::kScramSha512
                               ? sasl::ScramMechanism::kScramSha512
                               : sasl::ScramMechanism::kScramSha256;
    sasl::ScramServerOptions o;
    o.hash = sasl::hash_of(scram_mechanism);
    o.lookup = [lookup = options_.lookup, scram_mechanism](std::string_view user) {
      return lookup ? lookup(user, scram_mechanism) : std::nullopt;
    };
    scram_ = std::make_unique<sasl::ScramServer>(std::move(o));
  }
  auto reply = scram_->receive(bytes);
  if (!reply) return fail(Outcome::kFailed, reply.error().message());
  if (!scram_->authenticated()) return Step{Outcome::kContinue, std::move(*reply), ""};
  principal_ = std::string(kPrincipalPrefix) + scram_->username();
  state_ = State::kAuthenticated;
  return Step{Outcome::kAuthenticated, std::move(*reply), ""};
}

}  // namespace cairn::broker::security
