#include "broker/http/json.h"

#include <gtest/gtest.h>

#include <limits>

namespace cairn::broker::http {
namespace {

TEST(JsonWriterTest, CommasAndNestingAreWrittenForTheCaller) {
  JsonWriter w;
  w.begin_object();
  w.key("name").value("orders");
  w.key("partitions").begin_array().value(0).value(1).value(2).end_array();
  w.key("config").begin_object().key("retention_ms").value(int64_t{-1}).end_object();
  w.key("empty").begin_array().end_array();
  w.key("ok").value(true).key("none").null();
  w.end_object();
  EXPECT_EQ(w.text(), R"({"name":"orders","partitions":[0,1,2],"config":{"retention_ms":-1},)"
                      R"("empty":[],"ok":true,"none":null})");
}

TEST(JsonWriterTest, StringsEscapeQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(json_quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_quote("line\nnext\ttab\r"), R"("line\nnext\ttab\r")");
  EXPECT_EQ(json_quote(std::string("nul\0bell\x07", 9)), R"("nul\u0000bell\u0007")");
  EXPECT_EQ(json_quote("\x7f"), R"("\u007f")");
}

TEST(JsonWriterTest, ValidUtf8PassesThroughAndInvalidBytesBecomeReplacementCharacters) {
  EXPECT_EQ(json_quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
  EXPECT_EQ(json_quote("\xff"), R"("\ufffd")");
  EXPECT_EQ(json_quote("\xc3"), R"("\ufffd")");                      // truncated sequence
  EXPECT_EQ(json_quote("\xc0\xaf"), R"("\ufffd\ufffd")");            // overlong '/'
  EXPECT_EQ(json_quote("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");  // a surrogate
}

TEST(JsonWriterTest, NumbersAreExactAndNonFiniteDoublesAreNull) {
  JsonWriter w;
  w.begin_array();
  w.value(std::numeric_limits<int64_t>::min());
  w.value(std::numeric_limits<uint64_t>::max());
  w.value(0.25).value(1e21).value(std::numeric_limits<double>::quiet_NaN());
  w.value(std::numeric_limits<double>::infinity());
  w.end_array();
  EXPECT_EQ(w.text(), "[-9223372036854775808,18446744073709551615,0.25,1e+21,null,null]");
}

TEST(JsonWriterTest, RawJsonIsInsertedAsOneValue) {
  JsonWriter inner;
  inner.begin_object().key("a").value(1).end_object();
  JsonWriter w;
  w.begin_array().raw(inner.text()).raw(inner.text()).end_array();
  EXPECT_EQ(w.text(), R"([{"a":1},{"a":1}])");
}

}  // namespace
}  // namespace cairn::broker::http
