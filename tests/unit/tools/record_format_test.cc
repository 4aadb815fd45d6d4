#include "tools/cairn/record_format.h"

#include <gtest/gtest.h>

namespace cairn::tools {
namespace {

RecordView record() {
  RecordView r;
  r.topic = "orders";
  r.partition = 2;
  r.offset = 41;
  r.timestamp_ms = 1795783821000;
  r.key = "k1";
  r.value = "hello";
  r.headers = {{"trace", "abc"}, {"empty", std::nullopt}};
  return r;
}

std::string render(std::string_view spec, const RecordView& r = record()) {
  auto format = RecordFormat::parse(spec);
  EXPECT_TRUE(format) << format.error().message();
  return format ? format->render(r) : "";
}

TEST(RecordFormat, TemplateFieldsIncludeTopicAndHeaders) {
  EXPECT_EQ(render("{topic}/{partition}@{offset} {key}={value} [{headers}]"),
            "orders/2@41 k1=hello [trace=abc,empty=]\n");
  EXPECT_EQ(render("{timestamp} {time}"), "1795783821000 2026-11-27T12:50:21.000Z\n");
}

TEST(RecordFormat, ANewlineIsAddedOnlyWhenTheFormatDoesNotEndWithOne) {
  EXPECT_EQ(render("{value}"), "hello\n");
  EXPECT_EQ(render("{value}\\n"), "hello\n");
  EXPECT_EQ(render("{key}\\t{value}\\n"), "k1\thello\n");
}

TEST(RecordFormat, KcatDirectivesAreAnAlternative) {
  EXPECT_EQ(render("%k %s\\n"), "k1 hello\n");
  EXPECT_EQ(render("%t %p %o %T %K %S 100%% [%h]"),
            "orders 2 41 1795783821000 2 5 100% [trace=abc,empty=]\n");
  auto unknown = RecordFormat::parse("%q");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message().find("%q"), std::string::npos);
}

TEST(RecordFormat, BinaryModifiersEncodeKeyAndValue) {
  RecordView r = record();
  r.value = std::string_view("\x00\xff\x10", 3);
  EXPECT_EQ(render("{value:hex} {value:base64} {key:hex}", r), "00ff10 AP8Q 6b31\n");
}

TEST(RecordFormat, JsonIsOneEscapedObjectPerLineWithBinaryAsBase64) {
  RecordView r = record();
  r.value = "say \"hi\"\n\ttab";
  EXPECT_EQ(
      render("json", r),
      R"({"topic":"orders","partition":2,"offset":41,"timestamp":1795783821000,"key":"k1",)"
      R"("value":"say \"hi\"\n\ttab","headers":[{"key":"trace","value":"abc"},{"key":"empty","value":null}]})"
      "\n");
  r.key.reset();
  r.value = std::string_view("caf\xe9\x00", 5);
  r.headers.clear();
  EXPECT_EQ(render("json", r),
            R"({"topic":"orders","partition":2,"offset":41,"timestamp":1795783821000,"key":null,)"
            R"("value_base64":"Y2Fm6QA=","headers":[]})"
            "\n");
}

TEST(RecordFormat, UnknownFieldsAreErrorsThatListTheKnownOnes) {
  auto bad = RecordFormat::parse("{nope}");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message().find("{nope}"), std::string::npos);
  EXPECT_NE(bad.error().message().find("headers"), std::string::npos);
  EXPECT_FALSE(RecordFormat::parse("{value"));
}

TEST(Escapes, TabNewlineAndHexBytesAreUnescaped) {
  EXPECT_EQ(*unescape("a\\tb\\nc\\x3a\\\\d\\0"), std::string("a\tb\nc:\\d\0", 9));
  EXPECT_EQ(*unescape("\\q stays"), "\\q stays");
  EXPECT_FALSE(unescape("\\xg1"));
}

TEST(Escapes, Utf8IsRecognised) {
  EXPECT_TRUE(is_utf8("héllo ✓ 😀"));
  EXPECT_FALSE(is_utf8("caf\xe9"));
  EXPECT_FALSE(is_utf8("\xc0\xaf"));      // overlong
  EXPECT_FALSE(is_utf8("\xed\xa0\x80"));  // a surrogate
  EXPECT_FALSE(is_utf8("\xe2\x9c"));      // cut short
}

}  // namespace
}  // namespace cairn::tools
