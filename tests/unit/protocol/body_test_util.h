#pragma once

// Helpers for tests of request and response bodies: encode a body, decode one (the Produce
// request decodes from writable bytes), check that a decoder refuses every strict prefix of a
// valid body and a body with a byte left over, and all of that at once (round_trip).

#include <gtest/gtest.h>

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "protocol/codec.h"
#include "protocol/messages/produce.h"

namespace cairn::protocol::testing {

template <typename T>
std::vector<std::byte> encode_body(const T& msg) {
  std::vector<std::byte> out;
  Encoder e(out);
  msg.encode(e, 0);
  return out;
}

// T::decode over a copy of `bytes`, so a view the result keeps stays valid while `bytes` lives.
template <typename T>
Result<T> decode_body(std::vector<std::byte>& bytes) {
  if constexpr (std::is_same_v<T, ProduceRequest>) {
    return T::decode(MutableBytes(bytes), 0);
  } else {
    return T::decode(Bytes(bytes), 0);
  }
}

// Every strict prefix of a valid body, and the body with one byte more, fail to decode (under
// ASan: without reading past the end).
template <typename T>
void expect_every_truncation_rejected(const std::vector<std::byte>& body) {
  for (size_t n = 0; n < body.size(); ++n) {
    std::vector<std::byte> cut(body.begin(), body.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_FALSE(decode_body<T>(cut)) << "a prefix of " << n << " of " << body.size()
                                      << " bytes decoded";
  }
  auto longer = body;
  longer.push_back(std::byte{0});
  EXPECT_FALSE(decode_body<T>(longer)) << "a trailing byte was accepted";
}

// Encodes `msg`, decodes the bytes, checks that the result encodes to the same bytes (so no
// field was lost or moved) and that every truncation is refused; returns the decoded message.
template <typename T>
T round_trip(const T& msg) {
  auto bytes = encode_body(msg);
  auto back = decode_body<T>(bytes);
  EXPECT_TRUE(back) << back.error().to_string();
  if (!back) return T{};
  EXPECT_EQ(encode_body(*back), bytes);
  expect_every_truncation_rejected<T>(bytes);
  return std::move(*back);
}

}  // namespace cairn::protocol::testing
