#pragma once

// Golden bytes typed from PROTOCOL.md's tables: a body encodes to exactly them, and they decode
// to a body that encodes to them again (so the decoder reads each field into the member the
// encoder writes it from). For spec tests; the expected bytes are never produced by an encoder.

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

#include "protocol/codec.h"

namespace cairn::protocol::testing {

using Golden = std::vector<uint8_t>;

inline std::vector<std::byte> golden_bytes(const Golden& g) {
  std::vector<std::byte> out(g.size());
  for (size_t i = 0; i < g.size(); ++i) out[i] = std::byte{g[i]};
  return out;
}

inline void expect_golden(const std::vector<std::byte>& got, const Golden& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(static_cast<uint8_t>(got[i]), want[i]) << "byte " << i;
  }
}

template <typename T>
std::vector<std::byte> encode_at(const T& msg, uint16_t version) {
  std::vector<std::byte> out;
  Encoder e(out);
  msg.encode(e, version);
  return out;
}

// `msg` at `version` is exactly `want`, and `want` decodes back to it; `check` looks at the
// decoded body.
template <typename T>
void expect_golden_body(const T& msg, const Golden& want, uint16_t version = 0,
                        const std::type_identity_t<std::function<void(const T&)>>& check = {}) {
  expect_golden(encode_at(msg, version), want);
  auto bytes = golden_bytes(want);
  auto back = T::decode(Bytes(bytes), version);
  ASSERT_TRUE(back) << back.error().to_string();
  expect_golden(encode_at(*back, version), want);
  if (check) check(*back);
}

}  // namespace cairn::protocol::testing
