// Request bodies of the JSON API: what parses, what is refused.
#include "broker/http/json_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cairn::broker::http {
namespace {

TEST(JsonReaderTest, AnObjectWithNestedValuesParsesWithItsFieldsInOrder) {
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

TEST(JsonReaderTest, MalformedDocumentsAreRefused) {
  for (const std::string& text : std::vector<std::string>{
           "", "{", "{\"a\":1,}", "[1 2]", "{\"a\" 1}", "01x", "\"\\x\"", "\"\\ud800\"",
           "\"tab\there\"", "{} {}", "nul", "1e", "-", std::string(100, '[')}) {
    EXPECT_FALSE(parse_json(text)) << text;
  }
}

}  // namespace
}  // namespace cairn::broker::http
