#include "protocol/sasl/scram_credential.h"

#include "protocol/sasl/scram_mechanism.h"

namespace cairn::protocol::sasl {

namespace {

constexpr std::string_view kClientKeyText = "Client Key";
constexpr std::string_view kServerKeyText = "Server Key";

}  // namespace

Result<ScramKeys> derive_keys(ScramHash h, Bytes salted) {
  auto client_key = hmac(h, salted, as_bytes(kClientKeyText));
  if (!client_key) return client_key.error();
  auto stored_key = hash(h, *client_key);
  if (!stored_key) return stored_key.error();
  auto server_key = hmac(h, salted, as_bytes(kServerKeyText));
  if (!server_key) return server_key.error();
  return ScramKeys{std::move(*client_key), std::move(*stored_key), std::move(*server_key)};
}

Result<ScramCredential> make_scram_credential(ScramHash h, std::string_view password,
                                              uint32_t iterations, Bytes salt) {
  if (password.empty()) return Status::invalid_argument("the password is empty");
  ScramCredential c;
  c.hash = h;
  c.iterations = iterations;
  if (salt.empty()) {
    auto fresh = random_bytes(kSaltBytes);
    if (!fresh) return fresh.error();
    c.salt = std::move(*fresh);
  } else {
    c.salt.assign(salt.begin(), salt.end());
  }
  if (iterations < kMinIterations || iterations > kMaxIterations) {
    return Status::invalid_argument("iterations must be " + std::to_string(kMinIterations) +
                                    " to " + std::to_string(kMaxIterations) + ", not " +
                                    std::to_string(iterations));
  }
  if (c.salt.size() < kMinSaltBytes || c.salt.size() > kMaxSaltBytes) {
    return Status::invalid_argument("a salt must be " + std::to_string(kMinSaltBytes) + " to " +
                                    std::to_string(kMaxSaltBytes) + " bytes");
  }
  auto salted = salted_password(h, password, c.salt, iterations);
  if (!salted) return salted.error();
  auto keys = derive_keys(h, *salted);
  if (!keys) return keys.error();
  c.stored_key = std::move(keys->stored_key);
  c.server_key = std::move(keys->server_key);
  return c;
}

Status validate_credential(const ScramCredential& c) {
  if (c.iterations < kMinIterations || c.iterations > kMaxIterations) {
    return Status::invalid_argument("iteration count " + std::to_string(c.iterations) +
                                    " out of bounds");
  }
  if (c.salt.size() < kMinSaltBytes || c.salt.size() > kMaxSaltBytes) {
    return Status::invalid_argument("salt of " + std::to_string(c.salt.size()) +
                                    " bytes out of bounds");
  }
  size_t digest = digest_bytes(c.hash);
  if (c.stored_key.size() != digest || c.server_key.size() != digest) {
    return Status::invalid_argument("a key is not a digest of the credential's hash");
  }
  return Status::ok();
}

Result<bool> verify_password(const ScramCredential& c, std::string_view password) {
  auto salted = salted_password(c.hash, password, c.salt, c.iterations);
  if (!salted) return salted.error();
  auto keys = derive_keys(c.hash, *salted);
  if (!keys) return keys.error();
  return constant_time_equal(keys->stored_key, c.stored_key);
}

}  // namespace cairn::protocol::sasl
