#pragma once

// The cryptographic primitives of SCRAM (RFC 5802 section 2.2), on OpenSSL's libcrypto: the
// hash H, HMAC, Hi (PBKDF2 with HMAC), constant-time comparison and random bytes. The hash is a
// parameter, so the same code runs RFC 5802's SHA-1 example and RFC 7677's SHA-256 one; which
// hashes a broker offers is decided elsewhere (scram_mechanism.h).
//
// Each function returns kUnavailable if libcrypto fails (it does not for these algorithms
// unless memory or the system's entropy source is exhausted).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::protocol::sasl {

enum class ScramHash : uint8_t { kSha1, kSha256, kSha512 };

// Output size of H and HMAC: 20, 32 or 64 bytes.
size_t digest_bytes(ScramHash hash);

using Digest = std::vector<std::byte>;

Result<Digest> hash(ScramHash h, Bytes data);
Result<Digest> hmac(ScramHash h, Bytes key, Bytes data);
// Hi(password, salt, iterations): PBKDF2 with HMAC-H, one block of digest_bytes() bytes.
Result<Digest> salted_password(ScramHash h, std::string_view password, Bytes salt,
                               uint32_t iterations);

// Equal sizes and bytes, in time that depends only on the sizes.
bool constant_time_equal(Bytes a, Bytes b);
// a XOR b; requires equal sizes.
Digest xor_bytes(Bytes a, Bytes b);

// Overwrites secrets (a password, a derived key) before their memory is freed or reused.
void secure_clear(std::string& secret);
void secure_clear(std::vector<std::byte>& secret);

// `n` bytes from the operating system's cryptographically secure generator.
Result<std::vector<std::byte>> random_bytes(size_t n);

}  // namespace cairn::protocol::sasl
