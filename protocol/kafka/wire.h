#pragma once

// Kafka's wire primitives (Kafka protocol guide, "Protocol Primitive Types"): big-endian
// fixed-width integers, unsigned varints (LEB128, used by compact lengths and tagged fields),
// zig-zag varints (used inside records) and 16-byte UUIDs. Pure functions on caller-owned bytes.

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "protocol/byte_io.h"

namespace cairn::protocol::kafka {

template <typename T>
inline T load_be(const std::byte* p) {
  static_assert(std::is_integral_v<T>);
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::little) v = byteswap_int(v);
  return v;
}

template <typename T>
inline void store_be(std::byte* p, T v) {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::endian::native == std::endian::little) v = byteswap_int(v);
  std::memcpy(p, &v, sizeof(T));
}

// Bytes an unsigned varint takes on the wire: 7 bits per byte.
inline constexpr size_t uvarint_size(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Writes `v` as an unsigned varint at `p`; returns the bytes written (uvarint_size(v)).
inline size_t store_uvarint(std::byte* p, uint64_t v) {
  size_t n = 0;
  while (v >= 0x80) {
    p[n++] = static_cast<std::byte>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  p[n++] = static_cast<std::byte>(v);
  return n;
}

// A Kafka UUID: 16 bytes, most significant first. The all-zero UUID means "none".
struct Uuid {
  std::array<uint8_t, 16> bytes{};

  bool is_zero() const { return bytes == std::array<uint8_t, 16>{}; }
  std::string to_string() const;  // 8-4-4-4-12 lower-case hex
  bool operator==(const Uuid&) const = default;
};

}  // namespace cairn::protocol::kafka
