#include "protocol/text/base64.h"

#include <array>

namespace cairn::protocol::text {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> make_values() {
  std::array<int8_t, 256> values{};
  for (auto& v : values) v = -1;
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    values[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
  }
  return values;
}

constexpr std::array<int8_t, 256> kValues = make_values();

Status bad(std::string_view why, size_t at) {
  return Status::invalid_argument("base64: " + std::string(why) + " at character " +
                                  std::to_string(at));
}

}  // namespace

std::string base64_encode(Bytes data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t n = std::to_integer<uint32_t>(data[i]) << 16 |
                 std::to_integer<uint32_t>(data[i + 1]) << 8 |
                 std::to_integer<uint32_t>(data[i + 2]);
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  size_t rest = data.size() - i;
  if (rest == 0) return out;
  uint32_t n = std::to_integer<uint32_t>(data[i]) << 16;
  if (rest == 2) n |= std::to_integer<uint32_t>(data[i + 1]) << 8;
  out += kAlphabet[n >> 18];
  out += kAlphabet[(n >> 12) & 63];
  out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
  out += '=';
  return out;
}

std::string base64_encode(std::string_view data) {
  return base64_encode(Bytes(reinterpret_cast<const std::byte*>(data.data()), data.size()));
}

Result<std::vector<std::byte>> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return bad("length not a multiple of 4", text.size());
  size_t padding = 0;
  if (!text.empty() && text.back() == '=') padding = text[text.size() - 2] == '=' ? 2 : 1;
  std::vector<std::byte> out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    bool last = i + 4 == text.size();
    size_t digits = last ? 4 - padding : 4;
    uint32_t n = 0;
    for (size_t j = 0; j < 4; ++j) {
      if (j >= digits) {
        if (text[i + j] != '=') return bad("misplaced padding", i + j);
        n <<= 6;
        continue;
      }
      int8_t v = kValues[static_cast<unsigned char>(text[i + j])];
      if (v < 0) return bad("not a base64 character", i + j);
      n = n << 6 | static_cast<uint32_t>(v);
    }
    out.push_back(static_cast<std::byte>(n >> 16));
    if (digits >= 3) out.push_back(static_cast<std::byte>((n >> 8) & 0xff));
    if (digits == 4) out.push_back(static_cast<std::byte>(n & 0xff));
    // The bits a padded group leaves over must be zero, or two texts would decode alike.
    uint32_t spare = digits == 2 ? (n & 0xffff) : digits == 3 ? (n & 0xff) : 0;
    if (spare != 0) return bad("non-zero bits under the padding", i + digits - 1);
  }
  return out;
}

}  // namespace cairn::protocol::text
