#include "protocol/sasl/scram_client.h"

#include "protocol/sasl/scram_credential.h"
#include "protocol/sasl/scram_messages.h"

namespace cairn::protocol::sasl {

namespace {

constexpr std::string_view kGs2Header = "n,,";

}  // namespace

ScramClient::ScramClient(ScramClientOptions options) : options_(std::move(options)) {}

ScramClient::~ScramClient() { secure_clear(options_.password); }

Status ScramClient::fail(ScramFailure why, std::string detail) {
  state_ = State::kFailed;
  failure_ = why;
  secure_clear(options_.password);
  return Status::invalid_argument("SCRAM authentication failed (" + std::string(failure_name(why)) +
                                  "): " + detail);
}

Result<std::string> ScramClient::client_first() {
  if (state_ != State::kInitial) {
    return fail(ScramFailure::kUnexpectedMessage, "client-first was already sent");
  }
  if (options_.username.empty() || options_.username.size() > kMaxUsernameBytes) {
    return fail(ScramFailure::kMalformedMessage, "the user name must be 1 to 255 bytes");
  }
  auto nonce = options_.make_nonce();
  if (!nonce) return fail(ScramFailure::kInternalError, nonce.error().message());
  nonce_ = std::move(*nonce);
  std::string message = format_client_first(options_.username, nonce_);
  client_first_bare_ = message.substr(kGs2Header.size());
  state_ = State::kAwaitingServerFirst;
  return message;
}

Result<std::string> ScramClient::receive_server_first(std::string_view text) {
  if (state_ != State::kAwaitingServerFirst) {
    return fail(ScramFailure::kUnexpectedMessage, "server-first out of turn");
  }
  auto m = parse_server_first(text);
  if (!m) return fail(ScramFailure::kMalformedMessage, m.error().message());
  if (m->mandatory_extension) {
    return fail(ScramFailure::kUnsupportedExtension, "the server sent m=");
  }
  if (m->nonce.size() <= nonce_.size() || !m->nonce.starts_with(nonce_)) {
    return fail(ScramFailure::kNonceMismatch, "the server's nonce does not extend the client's");
  }
  if (m->iterations < kMinIterations || m->iterations > options_.max_iterations) {
    return fail(ScramFailure::kIterationsOutOfRange,
                "the server asks for " + std::to_string(m->iterations) + " iterations");
  }
  ScramHash h = options_.hash;
  auto salted = salted_password(h, options_.password, m->salt, m->iterations);
  secure_clear(options_.password);
  if (!salted) return fail(ScramFailure::kInternalError, salted.error().message());
  auto keys = derive_keys(h, *salted);
  secure_clear(*salted);
  if (!keys) return fail(ScramFailure::kInternalError, keys.error().message());
  std::string without_proof = format_client_final_without_proof(kGs2Header, m->nonce);
  std::string auth_message = client_first_bare_ + "," + std::string(text) + "," + without_proof;
  auto client_signature = hmac(h, keys->stored_key, as_bytes(auth_message));
  auto server_signature = hmac(h, keys->server_key, as_bytes(auth_message));
  if (!client_signature || !server_signature) {
    return fail(ScramFailure::kInternalError, "libcrypto failed");
  }
  Digest proof = xor_bytes(keys->client_key, *client_signature);
  secure_clear(keys->client_key);
  expected_server_signature_ = std::move(*server_signature);
  state_ = State::kAwaitingServerFinal;
  return format_client_final(without_proof, proof);
}

Status ScramClient::receive_server_final(std::string_view text) {
  if (state_ != State::kAwaitingServerFinal) {
    return fail(ScramFailure::kUnexpectedMessage, "server-final out of turn");
  }
  auto m = parse_server_final(text);
  if (!m) return fail(ScramFailure::kMalformedMessage, m.error().message());
  if (m->error) return fail(ScramFailure::kServerRejected, "the server says " + *m->error);
  if (!constant_time_equal(m->signature, expected_server_signature_)) {
    return fail(ScramFailure::kInvalidServerSignature,
                "the server's signature does not match the password");
  }
  state_ = State::kAuthenticated;
  return Status::ok();
}

}  // namespace cairn::protocol::sasl
