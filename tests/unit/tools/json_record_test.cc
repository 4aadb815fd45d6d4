#include "tools/cairn/json_record.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

TEST(JsonRecord, WhatConsumePrintsReadsBackAsTheRecord) {
  auto r = parse_json_record(
      R"({"topic":"t","partition":1,"offset":9,"timestamp":1795783821000,"key":"k1","value":"say \"hi\"\n\u00e9\ud83d\ude00",)"
      R"("headers":[{"key":"trace","value":"abc"},{"key":"empty","value":null}]})");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->key, "k1");
  EXPECT_EQ(r->value, "say \"hi\"\n\xc3\xa9\xf0\x9f\x98\x80");
  EXPECT_EQ(r->partition, 1);
  EXPECT_EQ(r->timestamp_ms, 1795783821000);
  ASSERT_EQ(r->headers.size(), 2u);
  EXPECT_EQ(r->headers[0].first, "trace");
  EXPECT_EQ(r->headers[0].second, "abc");
  EXPECT_EQ(r->headers[1].second, std::nullopt);
}

TEST(JsonRecord, Base64NullAndObjectHeadersAreAccepted) {
  auto r = parse_json_record(R"( { "key" : null , "value_base64" : "Y2Fm6QA=", "headers": {"a": "1"} } )");
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->key, std::nullopt);
  EXPECT_EQ(r->value, std::string("caf\xe9\0", 5));
  ASSERT_EQ(r->headers.size(), 1u);
  EXPECT_EQ(r->headers[0].second, "1");
  EXPECT_TRUE(parse_json_record("{}"));
}

TEST(JsonRecord, MistakesAreErrorsThatSayWhereAndNeverReadPastTheEnd) {
  for (std::string_view bad : {"", "[", "{", "{\"value\"", "{\"value\":", "{\"value\":\"abc", "{\"value\":\"\\u12\"}",
                               "{\"value\":\"\\ud800\"}", "{\"colour\":\"blue\"}", "{\"value\":1}",
                               "{\"partition\":-1}", "{} trailing", "{\"value_base64\":\"!!\"}",
                               "{\"headers\":[{\"key\":\"k\",\"x\":1}]}", "{\"value\":\"a\"\"b\"}"}) {
    auto r = parse_json_record(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_NE(r.error().message().find("at byte"), std::string::npos) << r.error().message();
    }
  }
  auto unknown = parse_json_record(R"({"colour":"blue"})");
  EXPECT_NE(unknown.error().message().find("unknown field \"colour\""), std::string::npos);
}

}  // namespace
}  // namespace cairn::tools
