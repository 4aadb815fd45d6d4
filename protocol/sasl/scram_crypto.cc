#include "protocol/sasl/scram_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cassert>
#include <limits>

namespace cairn::protocol::sasl {

namespace {

const EVP_MD* md_of(ScramHash h) {
  switch (h) {
    case ScramHash::kSha1: return EVP_sha1();
    case ScramHash::kSha256: return EVP_sha256();
    case ScramHash::kSha512: return EVP_sha512();
  }
  return nullptr;
}

const unsigned char* u8(Bytes b) { return reinterpret_cast<const unsigned char*>(b.data()); }

Status crypto_failed(std::string_view what) {
  return Status::unavailable("libcrypto failed to compute " + std::string(what));
}

}  // namespace

size_t digest_bytes(ScramHash h) {
  switch (h) {
    case ScramHash::kSha1: return 20;
    case ScramHash::kSha256: return 32;
    case ScramHash::kSha512: return 64;
  }
  return 0;
}

Result<Digest> hash(ScramHash h, Bytes data) {
  Digest out(digest_bytes(h));
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &size,
                 md_of(h), nullptr) != 1 ||
      size != out.size()) {
    return crypto_failed("a hash");
  }
  return out;
}

Result<Digest> hmac(ScramHash h, Bytes key, Bytes data) {
  if (key.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return Status::invalid_argument("HMAC key too long");
  }
  Digest out(digest_bytes(h));
  unsigned int size = 0;
  if (HMAC(md_of(h), key.data(), static_cast<int>(key.size()), u8(data), data.size(),
           reinterpret_cast<unsigned char*>(out.data()), &size) == nullptr ||
      size != out.size()) {
    return crypto_failed("an HMAC");
  }
  return out;
}

Result<Digest> salted_password(ScramHash h, std::string_view password, Bytes salt,
                               uint32_t iterations) {
  constexpr size_t kIntMax = static_cast<size_t>(std::numeric_limits<int>::max());
  if (password.size() > kIntMax || salt.size() > kIntMax || iterations == 0 ||
      iterations > static_cast<uint32_t>(std::numeric_limits<int>::max())) {
    return Status::invalid_argument("PBKDF2 input out of range");
  }
  Digest out(digest_bytes(h));
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), u8(salt),
                        static_cast<int>(salt.size()), static_cast<int>(iterations), md_of(h),
                        static_cast<int>(out.size()),
                        reinterpret_cast<unsigned char*>(out.data())) != 1) {
    return crypto_failed("PBKDF2");
  }
  return out;
}

bool constant_time_equal(Bytes a, Bytes b) {
  if (a.size() != b.size()) return false;
  return a.empty() || CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Digest xor_bytes(Bytes a, Bytes b) {
  assert(a.size() == b.size());
  Digest out(a.size());
  for (size_t i = 0; i < a.size(); ++i) out[i] = a[i] ^ b[i];
  return out;
}

void secure_clear(std::string& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

void secure_clear(std::vector<std::byte>& secret) {
  if (!secret.empty()) OPENSSL_cleanse(secret.data(), secret.size());
  secret.clear();
}

Result<std::vector<std::byte>> random_bytes(size_t n) {
  std::vector<std::byte> out(n);
  if (n > static_cast<size_t>(std::numeric_limits<int>::max()) ||
      RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    return Status::unavailable("the system's random number generator failed");
  }
  return out;
}

}  // namespace cairn::protocol::sasl
