#pragma once

// What the body codecs of protocol/messages/ share: the smallest encodings that array counts are
// checked against, the error code field, and the end of a body. Not an API of its own.

#include <cstddef>
#include <string_view>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol::body_codec {

inline constexpr size_t kMinString = 2;  // a u16 length and no bytes
inline constexpr size_t kMinCount = 4;   // an empty array: its u32 count

inline ErrorCode read_error(Decoder& d, std::string_view field = "error") {
  return static_cast<ErrorCode>(d.read<int16_t>(field));
}
inline void write_error(Encoder& e, ErrorCode code) {
  e.write<int16_t>(static_cast<int16_t>(code));
}

// `value` once every byte of the body was read, else the first error (naming `what`).
template <typename T>
Result<T> done(Decoder& d, T value, std::string_view what) {
  Status s = d.finish(what);
  if (!s.is_ok()) return s;
  return value;
}

}  // namespace cairn::protocol::body_codec
