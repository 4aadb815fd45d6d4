#pragma once

// Sans-I/O primitives for reading and writing the wire format: little-endian fixed-width
// integers and zig-zag varints (the encoding Kafka v2 records use).
//
// ByteReader walks a caller-owned span and checks the remaining length before every read; a
// failed read returns false and leaves the reader at the failing position, so the caller can
// name the offset in its error. ByteWriter writes into a caller-owned span that the caller has
// sized with the matching *_size() functions; writing past its end is a bug (asserted).

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <type_traits>

namespace cairn::protocol {

using Bytes = std::span<const std::byte>;
using MutableBytes = std::span<std::byte>;

template <typename T>
inline constexpr T byteswap_int(T v) {
  using U = std::make_unsigned_t<T>;
  U u = static_cast<U>(v), r = 0;
  for (size_t i = 0; i < sizeof(T); ++i) r = static_cast<U>((r << 8) | ((u >> (8 * i)) & 0xff));
  return static_cast<T>(r);
}

template <typename T>
inline T load_le(const std::byte* p) {
  static_assert(std::is_integral_v<T>);
  T v;
  std::memcpy(&v, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) v = byteswap_int(v);
  return v;
}

template <typename T>
inline void store_le(std::byte* p, T v) {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::endian::native == std::endian::big) v = byteswap_int(v);
  std::memcpy(p, &v, sizeof(T));
}

inline constexpr uint32_t zigzag32(int32_t v) {
  return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
}
inline constexpr uint64_t zigzag64(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline constexpr int32_t unzigzag32(uint32_t v) {
  return static_cast<int32_t>((v >> 1) ^ (~(v & 1) + 1));
}
inline constexpr int64_t unzigzag64(uint64_t v) {
  return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
}

// Bytes a zig-zag varint takes on the wire.
inline constexpr size_t varint_size(int64_t v) {
  uint64_t u = zigzag64(v);
  size_t n = 1;
  while (u >= 0x80) {
    u >>= 7;
    ++n;
  }
  return n;
}

inline std::string_view as_string_view(Bytes b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::byte*>(s.data()), s.size()};
}

class ByteReader {
 public:
  explicit ByteReader(Bytes data) : data_(data) {}

  size_t position() const { return pos_; }
  Bytes data() const { return data_; }
  size_t remaining() const { return data_.size() - pos_; }
  bool at_end() const { return pos_ == data_.size(); }

  template <typename T>
  bool read(T& out) {
    if (remaining() < sizeof(T)) return false;
    out = load_le<T>(data_.data() + pos_);
    pos_ += sizeof(T);
    return true;
  }

  // Reads `n` bytes as a view into the underlying span.
  bool read_bytes(size_t n, Bytes& out) {
    if (remaining() < n) return false;
    out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }

  bool skip(size_t n) {
    if (remaining() < n) return false;
    pos_ += n;
    return true;
  }

  // Zig-zag varint of at most 5 bytes whose value fits in int32.
  bool read_varint(int32_t& out) {
    uint64_t u;
    if (!read_uvarint(u, 5) || u > 0xffffffffu) return false;
    out = unzigzag32(static_cast<uint32_t>(u));
    return true;
  }

  // Zig-zag varint of at most 10 bytes.
  bool read_varlong(int64_t& out) {
    uint64_t u;
    if (!read_uvarint(u, 10)) return false;
    out = unzigzag64(u);
    return true;
  }

 private:
  bool read_uvarint(uint64_t& out, int max_bytes) {
    uint64_t result = 0;
    for (int i = 0; i < max_bytes; ++i) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = static_cast<uint8_t>(data_[pos_++]);
      result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        out = result;
        return true;
      }
    }
    return false;  // too long
  }

  Bytes data_;
  size_t pos_ = 0;
};

class ByteWriter {
 public:
  explicit ByteWriter(MutableBytes out) : out_(out) {}

  size_t position() const { return pos_; }
  MutableBytes written() const { return out_.first(pos_); }

  template <typename T>
  void write(T v) {
    assert(pos_ + sizeof(T) <= out_.size());
    store_le<T>(out_.data() + pos_, v);
    pos_ += sizeof(T);
  }

  void write_bytes(Bytes b) {
    assert(pos_ + b.size() <= out_.size());
    if (!b.empty()) std::memcpy(out_.data() + pos_, b.data(), b.size());
    pos_ += b.size();
  }

  void write_varint(int64_t v) {
    uint64_t u = zigzag64(v);
    while (u >= 0x80) {
      put(static_cast<std::byte>((u & 0x7f) | 0x80));
      u >>= 7;
    }
    put(static_cast<std::byte>(u));
  }

 private:
  void put(std::byte b) {
    assert(pos_ < out_.size());
    out_[pos_++] = b;
  }

  MutableBytes out_;
  size_t pos_ = 0;
};

}  // namespace cairn::protocol
