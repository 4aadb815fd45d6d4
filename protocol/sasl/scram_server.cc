#include "protocol/sasl/scram_server.h"

#include "protocol/text/base64.h"
#include "protocol/sasl/scram_mechanism.h"
#include "protocol/sasl/scram_messages.h"

namespace cairn::protocol::sasl {

using text::base64_decode;
using text::base64_encode;

namespace {

constexpr size_t kNonceBytes = 24;

// A key drawn once per process, from which decoy credentials for unknown users are derived.
Result<std::vector<std::byte>> decoy_key() {
  static const Result<std::vector<std::byte>> key = random_bytes(32);
  return key;
}

// What an unknown user appears to have: a salt that is the same on every attempt, so that
// asking twice reveals nothing, and keys no password produces.
Result<ScramCredential> decoy_credential(ScramHash h, std::string_view username) {
  auto key = decoy_key();
  if (!key) return key.error();
  auto salt = hmac(h, *key, as_bytes("salt:" + std::string(username)));
  if (!salt) return salt.error();
  auto stored = hmac(h, *key, as_bytes("stored key:" + std::string(username)));
  if (!stored) return stored.error();
  auto server = hmac(h, *key, as_bytes("server key:" + std::string(username)));
  if (!server) return server.error();
  salt->resize(kSaltBytes);
  return ScramCredential{h, std::move(*salt), kDefaultIterations, std::move(*stored),
                         std::move(*server)};
}

bool has_token_auth(const ScramExtensions& extensions) {
  for (const auto& [name, value] : extensions) {
    if (name == "tokenauth" && value == "true") return true;
  }
  return false;
}

}  // namespace

Result<std::string> make_random_nonce() {
  auto bytes = random_bytes(kNonceBytes);
  if (!bytes) return bytes.error();
  return base64_encode(*bytes);
}

ScramServer::ScramServer(ScramServerOptions options) : options_(std::move(options)) {}

Status ScramServer::fail(ScramFailure why, std::string detail) {
  state_ = State::kFailed;
  failure_ = why;
  return Status::invalid_argument("SCRAM authentication failed (" + std::string(failure_name(why)) +
                                  "): " + detail);
}

Result<std::string> ScramServer::receive(std::string_view client_message) {
  switch (state_) {
    case State::kAwaitingClientFirst: return on_client_first(client_message);
    case State::kAwaitingClientFinal: return on_client_final(client_message);
    case State::kAuthenticated:
    case State::kFailed: break;
  }
  return fail(ScramFailure::kUnexpectedMessage, "the exchange has already ended");
}

Result<std::string> ScramServer::on_client_first(std::string_view text) {
  auto m = parse_client_first(text);
  if (!m) return fail(ScramFailure::kMalformedMessage, m.error().message());
  username_ = m->username;
  if (m->cbind_flag == 'p') {
    return fail(ScramFailure::kUnsupportedChannelBinding, "the client asked for " + m->cbind_name);
  }
  if (m->mandatory_extension || has_token_auth(m->extensions)) {
    return fail(ScramFailure::kUnsupportedExtension, "a mandatory or delegation-token extension");
  }
  if (m->authzid && *m->authzid != m->username) {
    return fail(ScramFailure::kUnsupportedAuthorizationId,
                "user " + m->username + " asked to act as " + *m->authzid);
  }
  std::optional<ScramCredential> stored =
      options_.lookup ? options_.lookup(m->username) : std::nullopt;
  known_user_ = stored.has_value();
  if (stored) {
    if (stored->hash != options_.hash || !validate_credential(*stored).is_ok()) {
      return fail(ScramFailure::kInternalError,
                  "the stored credential of " + m->username + " is unusable");
    }
    credential_ = std::move(*stored);
  } else {
    auto decoy = decoy_credential(options_.hash, m->username);
    if (!decoy) return fail(ScramFailure::kInternalError, decoy.error().message());
    credential_ = std::move(*decoy);
  }
  auto server_part = options_.make_nonce();
  if (!server_part) return fail(ScramFailure::kInternalError, server_part.error().message());
  nonce_ = m->nonce + *server_part;
  gs2_header_ = std::move(m->gs2_header);
  client_first_bare_ = std::move(m->bare);
  server_first_ = format_server_first(nonce_, credential_.salt, credential_.iterations);
  state_ = State::kAwaitingClientFinal;
  return server_first_;
}

Result<std::string> ScramServer::on_client_final(std::string_view text) {
  auto m = parse_client_final(text);
  if (!m) return fail(ScramFailure::kMalformedMessage, m.error().message());
  if (!constant_time_equal(m->channel_binding, as_bytes(gs2_header_))) {
    return fail(ScramFailure::kChannelBindingMismatch, "c= does not repeat the GS2 header");
  }
  if (m->nonce != nonce_) {
    return fail(ScramFailure::kNonceMismatch, "client-final carries another nonce");
  }
  ScramHash h = credential_.hash;
  if (m->proof.size() != digest_bytes(h)) {
    return fail(ScramFailure::kInvalidProof, "a proof of the wrong length");
  }
  std::string auth_message = client_first_bare_ + "," + server_first_ + "," + m->without_proof;
  auto client_signature = hmac(h, credential_.stored_key, as_bytes(auth_message));
  if (!client_signature) return fail(ScramFailure::kInternalError, "libcrypto failed");
  auto client_key = xor_bytes(m->proof, *client_signature);
  auto stored_key = hash(h, client_key);
  if (!stored_key) return fail(ScramFailure::kInternalError, "libcrypto failed");
  if (!constant_time_equal(*stored_key, credential_.stored_key)) {
    return fail(ScramFailure::kInvalidProof,
                known_user_ ? "wrong password for " + username_ : "unknown user " + username_);
  }
  auto server_signature = hmac(h, credential_.server_key, as_bytes(auth_message));
  if (!server_signature) return fail(ScramFailure::kInternalError, "libcrypto failed");
  state_ = State::kAuthenticated;
  return format_server_final(*server_signature);
}

}  // namespace cairn::protocol::sasl
