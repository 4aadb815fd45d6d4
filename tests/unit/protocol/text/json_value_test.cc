// The JSON reader behind the HTTP API and `cairn produce --input json`: what parses, what is
// refused, and where a refusal says the mistake is.
#include "protocol/text/json_value.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::protocol::text {
namespace {

TEST(JsonValueTest, AnObjectWithNestedValuesParsesWithItsFieldsInOrder) {
  auto v = parse_json(R"( {"name": "orders", "partitions": 3, "config": {"retention_ms": -1},
                          "to": [true, false, null, 1.5], "s": "a\"\u00e9\ud83d\ude00"} )");
  ASSERT_TRUE(v);
  ASSERT_EQ(v->keys.size(), 5u);
  ASSERT_EQ(v->values.size(), 5u);
  EXPECT_EQ(v->find("name")->text, "orders");
  EXPECT_EQ(v->find("partitions")->integer(), 3);
  EXPECT_EQ(v->find("config")->find("retention_ms")->integer(), -1);
  EXPECT_EQ(v->find("to")->items.size(), 4u);
  EXPECT_TRUE(v->find("to")->items[0].boolean);
  EXPECT_FALSE(v->find("to")->items[1].boolean);
  EXPECT_EQ(v->find("to")->items[3].integer(), std::nullopt);
  EXPECT_EQ(v->find("s")->text, "a\"\xC3\xA9\xF0\x9F\x98\x80");
  EXPECT_EQ(v->find("missing"), nullptr);
}

TEST(JsonValueTest, MalformedDocumentsAreRefused) {
  for (const std::string& text : std::vector<std::string>{
           "", "{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "01x", "\"\\x\"", "\"\\ud800\"",
           "\"tab\there\"", "{} {}", "nul", "1e", "-", std::string(100, '[')}) {
    auto v = parse_json(text);
    EXPECT_FALSE(v) << text;
    if (!v) {
      EXPECT_NE(v.error().message().find(" at byte "), std::string::npos) << v.error().message();
    }
  }
}

TEST(JsonValueTest, ARefusalNamesTheFirstMistakeAndItsByte) {
  EXPECT_EQ(parse_json(R"({"a": [1, 2 3]})").error().message(), "expected , or ] at byte 12");
  EXPECT_EQ(parse_json(R"({"a": "\q"})").error().message(), "an unknown escape at byte 8");
  EXPECT_EQ(parse_json("[1] x").error().message(), "text after the value at byte 4");
  EXPECT_EQ(parse_json(R"({"k": "v", "n": 7})")->find("n")->at, 16u);
}

}  // namespace
}  // namespace cairn::protocol::text
