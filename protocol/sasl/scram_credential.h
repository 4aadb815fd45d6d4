#pragma once

// ScramCredential: what a server stores for one user and one SCRAM hash (RFC 5802 section 3):
// the salt, the iteration count, StoredKey = H(ClientKey) and ServerKey. Never the password,
// and nothing from which it can be computed other than by guessing it.

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/sasl/scram_crypto.h"
#include "protocol/status.h"

namespace cairn::protocol::sasl {

inline constexpr size_t kSaltBytes = 32;     // what make_scram_credential draws
inline constexpr size_t kMinSaltBytes = 8;   // RFC 5802's own example uses 12
inline constexpr size_t kMaxSaltBytes = 128;

struct ScramCredential {
  ScramHash hash = ScramHash::kSha256;
  std::vector<std::byte> salt;
  uint32_t iterations = 0;
  Digest stored_key;
  Digest server_key;

  bool operator==(const ScramCredential&) const = default;
};

// The keys SCRAM derives from a password (RFC 5802 section 3).
struct ScramKeys {
  Digest client_key;  // HMAC(SaltedPassword, "Client Key")
  Digest stored_key;  // H(ClientKey)
  Digest server_key;  // HMAC(SaltedPassword, "Server Key")
};
Result<ScramKeys> derive_keys(ScramHash h, Bytes salted_password);

// The credential for `password` with `iterations` (kMinIterations to kMaxIterations) and
// `salt`, or kSaltBytes fresh random bytes when `salt` is empty. kInvalidArgument for an empty
// password or an iteration count or salt out of bounds.
Result<ScramCredential> make_scram_credential(ScramHash h, std::string_view password,
                                              uint32_t iterations, Bytes salt = {});

// kInvalidArgument unless every field is within bounds and each key is a digest of `hash`.
Status validate_credential(const ScramCredential& c);

// Whether `password` is the one `c` was made from (SASL PLAIN checks passwords this way):
// recomputes StoredKey and compares in constant time. Costs one PBKDF2 run.
Result<bool> verify_password(const ScramCredential& c, std::string_view password);

}  // namespace cairn::protocol::sasl
