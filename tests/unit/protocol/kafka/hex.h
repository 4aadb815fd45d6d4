#pragma once

// Golden bytes typed by hand: hex("00 07 'rdkafka' ff") is the bytes 00 07, the text "rdkafka"
// and ff. Whitespace separates tokens; a token in single quotes is literal text.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::protocol::kafka::test {

inline std::vector<std::byte> hex(std::string_view spec) {
  std::vector<std::byte> out;
  size_t i = 0;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; };
  while (i < spec.size()) {
    char c = spec[i];
    if (c == ' ' || c == '\n') {
      ++i;
    } else if (c == '\'') {
      size_t end = spec.find('\'', i + 1);
      for (size_t k = i + 1; k < end; ++k) out.push_back(static_cast<std::byte>(spec[k]));
      i = end + 1;
    } else {
      out.push_back(static_cast<std::byte>(nibble(spec[i]) * 16 + nibble(spec[i + 1])));
      i += 2;
    }
  }
  return out;
}

inline std::vector<std::byte> concat(std::vector<std::byte> a, const std::vector<std::byte>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

inline std::string to_hex(const std::vector<std::byte>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::byte b : bytes) {
    if (!out.empty()) out += ' ';
    out += kDigits[static_cast<uint8_t>(b) >> 4];
    out += kDigits[static_cast<uint8_t>(b) & 0xf];
  }
  return out;
}

}  // namespace cairn::protocol::kafka::test
