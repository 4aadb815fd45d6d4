// Base64 as RFC 4648 spells it: the test vectors, every non-canonical spelling refused, and the
// string and byte forms alike.

#include "protocol/text/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace cairn::protocol::text {
namespace {

std::string text(const std::vector<std::byte>& b) { return std::string(as_string_view(b)); }

TEST(Base64, EncodesRfc4648sTestVectors) {
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(as_bytes(plain)), encoded);
    auto back = base64_decode(encoded);
    ASSERT_TRUE(back.has_value()) << encoded;
    EXPECT_EQ(text(*back), plain);
  }
}

TEST(Base64, RefusesEverySpellingButTheCanonicalOne) {
  for (std::string_view bad : {"Zg=", "Zg", "Zh==", "Zm9=", "Z===", "====", "Zg==Zg==", "Zm9v\n",
                               "Zm-_", " Zm9v", "Zm9v=", "Zg=a"}) {
    EXPECT_FALSE(base64_decode(bad).has_value()) << bad;
  }
}

TEST(Base64, TextAndBytesEncodeAlike) {
  EXPECT_EQ(base64_encode(std::string_view("\xff\xfe\x00", 3)), "//4A");
  EXPECT_EQ(base64_encode(std::string_view("foobar")),
            base64_encode(as_bytes(std::string_view("foobar"))));
}

}  // namespace
}  // namespace cairn::protocol::text
