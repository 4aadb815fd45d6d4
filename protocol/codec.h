#pragma once

// Encoder and Decoder for request and response bodies (PROTOCOL.md, "Types").
//
// Decoder walks a caller-owned span. Every read checks the remaining length first; the first
// failure sticks (later reads do nothing) and status() names the field and byte offset. Array
// counts are checked against the bytes left before anything is allocated for them.
//
// Encoder appends to a caller-owned vector. A frame may also carry external bytes: a length
// field whose bytes the transport sends from elsewhere (a file, with sendfile); the encoder
// records where they go instead of copying them.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/status.h"

namespace cairn::protocol {

class Decoder {
 public:
  explicit Decoder(Bytes data) : reader_(data) {}

  bool ok() const { return status_.is_ok(); }
  const Status& status() const { return status_; }
  size_t remaining() const { return reader_.remaining(); }

  template <typename T>
  T read(std::string_view field) {
    T v{};
    if (ok() && !reader_.read(v)) fail(field, "truncated");
    return v;
  }
  std::string read_string(std::string_view field);      // u16 length + bytes
  Bytes read_bytes32(std::string_view field);           // u32 length + bytes, a view
  // An array count (u32) that must fit: count * min_element_bytes <= bytes left, and
  // count <= max_count (a protocol limit, PROTOCOL.md "Limits").
  uint32_t read_count(std::string_view field, size_t min_element_bytes,
                      uint32_t max_count = UINT32_MAX);
  // i32 count where -1 means null (nullopt); otherwise as read_count.
  std::optional<uint32_t> read_nullable_count(std::string_view field, size_t min_element_bytes);

  // Fails unless every byte was consumed; returns status().
  Status finish(std::string_view what);
  // Records a semantic error (a value out of range) at the current position.
  void fail(std::string_view field, std::string_view why);
  size_t position() const { return reader_.position(); }

 private:
  ByteReader reader_;
  Status status_;
};

// Where a frame's external bytes go: after byte `at` of the encoded bytes come `size` bytes
// that the transport takes from source `id`.
struct ExternalBytes {
  size_t at;
  uint32_t size;
  uint32_t id;
};

class Encoder {
 public:
  explicit Encoder(std::vector<std::byte>& out) : out_(out) {}

  template <typename T>
  void write(T v) {
    size_t at = out_.size();
    out_.resize(at + sizeof(T));
    store_le<T>(out_.data() + at, v);
  }
  // u16 length + bytes. A string longer than kMaxStringBytes is cut (at a UTF-8 character
  // boundary) so that the length always matches the bytes that follow it.
  void write_string(std::string_view s);
  // A human-readable message (an error's text): a string cut to kMaxMessageBytes.
  void write_message(std::string_view s);
  void write_bytes32(Bytes b);
  void write_count(size_t n) { write<uint32_t>(static_cast<uint32_t>(n)); }
  // A u32 length of `size` whose bytes come from external source `id`.
  void write_external_bytes32(uint32_t size, uint32_t id);

  // Starts a frame: reserves its u32 length. end_frame() fills it in, external bytes included.
  void begin_frame();
  void end_frame();

  const std::vector<ExternalBytes>& external() const { return external_; }
  uint64_t external_size() const { return external_size_; }

 private:
  std::vector<std::byte>& out_;
  std::vector<ExternalBytes> external_;
  uint64_t external_size_ = 0;
  size_t frame_start_ = 0;
};

// The longest string a u16 length can describe.
inline constexpr size_t kMaxStringBytes = 0xffff;
// Messages the broker builds (error texts, which may quote names a client sent) are cut to this.
inline constexpr size_t kMaxMessageBytes = 1024;

// `s` cut to at most `max` bytes without splitting a UTF-8 character.
std::string_view clip_utf8(std::string_view s, size_t max);

}  // namespace cairn::protocol
