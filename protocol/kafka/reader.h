#pragma once

// Reader: decodes Kafka's primitive types from a caller-owned span (protocol/codec.h's Decoder,
// in Kafka's byte order and encodings).
//
// Every read checks the bytes left first. The first failure sticks: later reads return zero
// values and do nothing, and status() names the field (with its path, such as
// "Topics[0].Partitions[2].Records") and the byte offset where decoding stopped. Lengths and
// array counts are checked against the bytes left before anything is allocated for them, so a
// decoded object never needs more memory than a small multiple of the input.
//
// The span must outlive the reader and every view (Bytes) it returned.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/byte_io.h"
#include "protocol/kafka/wire.h"
#include "protocol/status.h"

namespace cairn::protocol::kafka {

class Reader {
 public:
  // `base_offset` is added to positions in error messages (the body's offset in its frame).
  explicit Reader(Bytes data, size_t base_offset = 0) : data_(data), base_(base_offset) {}

  bool ok() const { return status_.is_ok(); }
  const Status& status() const { return status_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return base_ + pos_; }

  template <typename T>
  T read_int(std::string_view field) {
    if (!ok()) return T{};
    if (remaining() < sizeof(T)) {
      fail(field, "truncated");
      return T{};
    }
    T v = load_be<T>(data_.data() + pos_);
    pos_ += sizeof(T);
    return v;
  }
  bool read_bool(std::string_view field) { return read_int<uint8_t>(field) != 0; }
  double read_float64(std::string_view field);
  Uuid read_uuid(std::string_view field);

  // An unsigned varint of at most 5 bytes that fits in 32 bits.
  uint32_t read_uvarint(std::string_view field);
  // Zig-zag varints as in records: at most 5 bytes (int32) and 10 bytes (int64).
  int32_t read_varint(std::string_view field);
  int64_t read_varlong(std::string_view field);

  // A string or bytes length: int16 (`int16_length`) or int32, or compact (unsigned varint
  // N + 1). Returns nullopt for null, which is an error unless `nullable`. Fails on a negative
  // length or one longer than the bytes left.
  std::optional<uint32_t> read_length(std::string_view field, bool compact, bool int16_length,
                                      bool nullable);
  // An array count (int32 or compact). Fails unless count * min_element_bytes fits in the
  // bytes left; min_element_bytes must be at least 1.
  std::optional<uint32_t> read_count(std::string_view field, bool compact, bool nullable,
                                     size_t min_element_bytes);

  // The next `n` bytes as a view; the caller has checked n against remaining().
  Bytes take(size_t n);
  void skip(std::string_view field, size_t n);

  // Records a failure (if none yet) at the current position.
  void fail(std::string_view field, std::string_view why);
  // Fails unless every byte was consumed; returns status().
  Status finish(std::string_view what);

  // The path of the field being read, for error messages: enter("Topics", 3) ... leave().
  void enter(std::string_view name, int64_t index = -1);
  void leave();

 private:
  std::optional<uint64_t> read_uvarint_raw(int max_bytes);
  std::string path(std::string_view field) const;

  struct PathItem {
    std::string_view name;
    int64_t index;
  };

  Bytes data_;
  size_t base_;
  size_t pos_ = 0;
  Status status_;
  std::array<PathItem, 12> path_{};
  size_t depth_ = 0;
};

}  // namespace cairn::protocol::kafka
