#include "protocol/kafka/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace cairn::protocol::kafka {

namespace {

constexpr uint32_t kPolynomial = 0x82F63B78;  // reflected: bit 31 is x^0

// Table k maps a byte to the CRC register after it and k zero bytes (slicing-by-8).
using Tables = std::array<std::array<uint32_t, 256>, 8>;

constexpr Tables make_tables() {
  Tables t{};
  for (uint32_t b = 0; b < 256; ++b) {
    uint32_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kPolynomial : c >> 1;
    t[0][b] = c;
  }
  for (int k = 1; k < 8; ++k) {
    for (uint32_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Tables kTables = make_tables();

// The register after `data`, starting from register `r` (no pre- or post-inversion).
uint32_t update_portable(uint32_t r, const std::byte* p, size_t n) {
  if constexpr (std::endian::native == std::endian::little) {
    for (; n >= 8; n -= 8, p += 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      w ^= r;
      r = kTables[7][w & 0xff] ^ kTables[6][(w >> 8) & 0xff] ^ kTables[5][(w >> 16) & 0xff] ^
          kTables[4][(w >> 24) & 0xff] ^ kTables[3][(w >> 32) & 0xff] ^
          kTables[2][(w >> 40) & 0xff] ^ kTables[1][(w >> 48) & 0xff] ^ kTables[0][w >> 56];
    }
  }
  for (; n > 0; --n, ++p) r = (r >> 8) ^ kTables[0][(r ^ static_cast<uint8_t>(*p)) & 0xff];
  return r;
}

// Polynomial product a * b modulo the CRC polynomial, in the reflected representation.
uint32_t multiply(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (int i = 31; i >= 0; --i) {
    if (a & (1u << i)) product ^= b;
    b = (b & 1) ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^(2^k) mod P for k = 0..66, enough for any 64-bit byte count times 8.
struct Powers {
  std::array<uint32_t, 67> x2k{};
  Powers() {
    x2k[0] = 1u << 30;  // x^1
    for (size_t k = 1; k < x2k.size(); ++k) x2k[k] = multiply(x2k[k - 1], x2k[k - 1]);
  }
};

const Powers& powers() {
  static const Powers p;
  return p;
}

// x^(8 * n) mod P: the operator "append n zero bytes" on a CRC register.
uint32_t x_pow_8n(uint64_t n) {
  uint32_t p = 1u << 31;  // x^0
  for (size_t k = 3; n != 0; n >>= 1, ++k) {
    if (n & 1) p = multiply(powers().x2k[k], p);
  }
  return p;
}

#if defined(__x86_64__)

// Shifting a register past `n` zero bytes, as four table lookups (it is linear in the register).
struct Shift {
  std::array<std::array<uint32_t, 256>, 4> t{};
  explicit Shift(uint64_t n) {
    uint32_t k = x_pow_8n(n);
    for (int byte = 0; byte < 4; ++byte) {
      for (uint32_t b = 0; b < 256; ++b) t[byte][b] = multiply(k, b << (8 * byte));
    }
  }
  uint32_t operator()(uint32_t r) const {
    return t[0][r & 0xff] ^ t[1][(r >> 8) & 0xff] ^ t[2][(r >> 16) & 0xff] ^ t[3][r >> 24];
  }
};

constexpr size_t kLongBlock = 4096;
constexpr size_t kShortBlock = 256;

const Shift& long_shift() {
  static const Shift s(kLongBlock);
  return s;
}
const Shift& short_shift() {
  static const Shift s(kShortBlock);
  return s;
}

__attribute__((target("sse4.2"))) uint64_t step(uint64_t r, const std::byte* p) {
  uint64_t w;
  std::memcpy(&w, p, 8);
  return _mm_crc32_u64(r, w);
}

// Three independent streams over three consecutive blocks hide the instruction's latency; their
// registers are then joined with two shifts.
__attribute__((target("sse4.2"))) uint32_t update_blocks(uint32_t r, const std::byte*& p,
                                                         size_t& n, size_t block,
                                                         const Shift& shift) {
  while (n >= 3 * block) {
    uint64_t a = r, b = 0, c = 0;
    for (size_t i = 0; i < block; i += 8) {
      a = step(a, p + i);
      b = step(b, p + block + i);
      c = step(c, p + 2 * block + i);
    }
    r = shift(shift(static_cast<uint32_t>(a)) ^ static_cast<uint32_t>(b)) ^
        static_cast<uint32_t>(c);
    p += 3 * block;
    n -= 3 * block;
  }
  return r;
}

__attribute__((target("sse4.2"))) uint32_t update_hardware(uint32_t r, const std::byte* p,
                                                           size_t n) {
  r = update_blocks(r, p, n, kLongBlock, long_shift());
  r = update_blocks(r, p, n, kShortBlock, short_shift());
  uint64_t r64 = r;
  for (; n >= 8; n -= 8, p += 8) r64 = step(r64, p);
  r = static_cast<uint32_t>(r64);
  for (; n > 0; --n, ++p) r = _mm_crc32_u8(r, static_cast<uint8_t>(*p));
  return r;
}

bool detect_hardware() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2");
}

#endif

}  // namespace

bool crc32c_is_hardware() {
#if defined(__x86_64__)
  static const bool hardware = detect_hardware();
  return hardware;
#else
  return false;
#endif
}

uint32_t crc32c(Bytes data, uint32_t crc) {
#if defined(__x86_64__)
  if (crc32c_is_hardware()) return ~update_hardware(~crc, data.data(), data.size());
#endif
  return ~update_portable(~crc, data.data(), data.size());
}

uint32_t crc32c_portable(Bytes data, uint32_t crc) {
  return ~update_portable(~crc, data.data(), data.size());
}

uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b) {
  return multiply(x_pow_8n(length_b), crc_a) ^ crc_b;
}

}  // namespace cairn::protocol::kafka
