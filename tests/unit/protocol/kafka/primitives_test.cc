// Kafka's primitive encodings and the generic codec's handling of them: byte order, varints,
// compact and non-compact lengths, null, UUIDs, tagged-field sections, bounds and error paths.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/engine.h"
#include "tests/unit/protocol/kafka/hex.h"

namespace cairn::protocol::kafka {
namespace {

using test::hex;

inline constexpr ApiSpec kProbeApi{ApiKey::kMetadata, "Probe", {0, 3}, 2, 0};

struct ProbeItem {
  int32_t id = 0;
  std::optional<std::string> value;

  template <class Io>
  void fields(Io& io) {
    io(id, "Id", Versions{0});
    io(value, "Value", Versions{0}, Nullable{1});
  }
  bool operator==(const ProbeItem&) const = default;
};

// Versions 0-1 are non-flexible, 2-3 flexible.
struct Probe {
  static constexpr const ApiSpec& kApi = kProbeApi;
  int16_t code = 0;
  std::vector<ProbeItem> items;
  Records records;
  int64_t extra = -1;
  std::string label;

  template <class Io>
  void fields(Io& io) {
    io(code, "Code", Versions{0});
    io(items, "Items", Versions{0});
    io(records, "Records", Versions{1}, Nullable{1});
    io(extra, "Extra", Versions{2}, Tag{0, -1});
    io(label, "Label", Versions{3}, Tag{5});
  }
  bool operator==(const Probe&) const = default;
};

std::vector<std::byte> encode_body(const Probe& p, int16_t version) {
  std::vector<std::byte> out;
  Writer w(out);
  Status s = encode(p, version, w);
  EXPECT_TRUE(s.is_ok()) << s.to_string();
  return out;
}

TEST(KafkaReader, IntegersAreBigEndian) {
  auto bytes = hex("01 02 03 04 05 06 07 08 ff fe");
  Reader r(bytes);
  EXPECT_EQ(r.read_int<int64_t>("a"), 0x0102030405060708);
  EXPECT_EQ(r.read_int<int16_t>("b"), -2);
  EXPECT_TRUE(r.finish("x").is_ok());
  std::vector<std::byte> out;
  Writer w(out);
  w.write_int<int64_t>(0x0102030405060708);
  w.write_int<int16_t>(-2);
  EXPECT_EQ(out, bytes);
}

TEST(KafkaReader, UnsignedVarintsCarrySevenBitsPerByteLowFirst) {
  const std::pair<uint32_t, const char*> cases[] = {
      {0, "00"}, {1, "01"}, {127, "7f"}, {128, "80 01"}, {300, "ac 02"},
      {16384, "80 80 01"}, {UINT32_MAX, "ff ff ff ff 0f"}};
  for (auto [value, text] : cases) {
    auto bytes = hex(text);
    Reader r(bytes);
    EXPECT_EQ(r.read_uvarint("v"), value) << text;
    EXPECT_TRUE(r.finish("v").is_ok()) << text;
    std::vector<std::byte> out;
    Writer w(out);
    w.write_uvarint(value);
    EXPECT_EQ(out, bytes) << text;
    EXPECT_EQ(uvarint_size(value), bytes.size());
  }
}

TEST(KafkaReader, AnUnsignedVarintOfSixBytesOrPastThirtyTwoBitsIsRejected) {
  auto six = hex("80 80 80 80 80 01");
  Reader a(six);
  a.read_uvarint("Count");
  EXPECT_FALSE(a.ok());
  auto big = hex("ff ff ff ff 1f");
  Reader b(big);
  b.read_uvarint("Count");
  EXPECT_FALSE(b.ok());
  EXPECT_NE(b.status().message().find("Count"), std::string::npos);
}

TEST(KafkaReader, ZigZagVarintsRoundTripAcrossTheirRange) {
  const int64_t values[] = {0, -1, 1, -64, 64, INT32_MIN, INT32_MAX, INT64_MIN, INT64_MAX};
  for (int64_t v : values) {
    std::vector<std::byte> out;
    Writer w(out);
    w.write_varint(v);
    Reader r(out);
    EXPECT_EQ(r.read_varlong("v"), v);
    EXPECT_TRUE(r.finish("v").is_ok());
  }
  auto minus_one = hex("01");  // zig-zag: -1 is 1
  Reader r(minus_one);
  EXPECT_EQ(r.read_varint("v"), -1);
}

TEST(KafkaReader, UuidIsSixteenBytesMostSignificantFirst) {
  auto bytes = hex("00 11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff");
  Reader r(bytes);
  Uuid id = r.read_uuid("TopicId");
  EXPECT_EQ(id.to_string(), "00112233-4455-6677-8899-aabbccddeeff");
  EXPECT_FALSE(id.is_zero());
  EXPECT_TRUE(Uuid{}.is_zero());
}

TEST(KafkaCodec, NonFlexibleVersionsUseInt16StringsAndInt32CountsWithMinusOneForNull) {
  Probe p;
  p.code = 7;
  p.items = {{1, "ab"}, {2, std::nullopt}};
  auto records = hex("aa bb");
  p.records = Records::view(records);
  EXPECT_EQ(encode_body(p, 1), hex("00 07  00 00 00 02  00 00 00 01 00 02 'ab'  00 00 00 02 ff ff"
                                   "  00 00 00 02 aa bb"));
  p.records = Records();
  EXPECT_EQ(encode_body(p, 1), hex("00 07  00 00 00 02  00 00 00 01 00 02 'ab'  00 00 00 02 ff ff"
                                   "  ff ff ff ff"));
}

TEST(KafkaCodec, FlexibleVersionsUseCompactLengthsPlusOneAndEndStructsWithTaggedFields) {
  Probe p;
  p.code = 7;
  p.items = {{1, ""}, {2, std::nullopt}};
  auto records = hex("aa bb");
  p.records = Records::view(records);
  // items: 2 + 1; "": 0 + 1; null: 0; records: 2 + 1; no tagged field differs from its default.
  EXPECT_EQ(encode_body(p, 2),
            hex("00 07  03  00 00 00 01 01 00  00 00 00 02 00 00  03 aa bb  00"));
}

TEST(KafkaCodec, TaggedFieldsAreWrittenInTagOrderOnlyWhenTheyDifferFromTheirDefault) {
  Probe p;
  p.extra = 5;
  p.label = "L";
  auto bytes = encode_body(p, 3);
  EXPECT_EQ(bytes, hex("00 00  01  00  02  00 08 00 00 00 00 00 00 00 05  05 02 02 'L'"));
  auto back = decode<Probe>(bytes, 3);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(*back, p);
  // At version 2 the label's tag does not exist yet: it is neither written nor read.
  EXPECT_EQ(encode_body(p, 2), hex("00 00  01  00  01  00 08 00 00 00 00 00 00 00 05"));
}

TEST(KafkaCodec, UnknownTaggedFieldsAreSkippedAndDropped) {
  // Tag 9 (3 bytes) is unknown; tag 0 follows it.
  auto bytes = hex("00 00  01  01  02  09 03 aa bb cc  00 08 00 00 00 00 00 00 00 05");
  auto back = decode<Probe>(bytes, 2);
  ASSERT_TRUE(back) << back.error().to_string();
  EXPECT_EQ(back->extra, 5);
  EXPECT_EQ(encode_body(*back, 2), hex("00 00  01  01  01  00 08 00 00 00 00 00 00 00 05"));
}

TEST(KafkaCodec, ATaggedFieldWhoseSizeDisagreesWithItsValueIsRejected) {
  auto bytes = hex("00 00  01  01  01  00 09 00 00 00 00 00 00 00 05 00");
  auto back = decode<Probe>(bytes, 2);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message().find("tag 0"), std::string::npos) << back.error().message();
}

TEST(KafkaCodec, NullIsRefusedWhereTheVersionDoesNotAllowIt) {
  // Items[].Value is nullable from version 1: at 0, -1 is an error both ways.
  auto bytes = hex("00 00  00 00 00 01  00 00 00 01 ff ff");
  auto back = decode<Probe>(bytes, 0);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message().find("Items[0].Value"), std::string::npos)
      << back.error().message();
  Probe p;
  p.items = {{1, std::nullopt}};
  std::vector<std::byte> out;
  Writer w(out);
  EXPECT_FALSE(encode(p, 0, w).is_ok());
}

TEST(KafkaCodec, ErrorsNameTheFieldPathAndTheByteOffset) {
  // The second item's value claims 9 bytes; 1 is left.
  auto bytes = hex("00 00  00 00 00 02  00 00 00 01 00 00  00 00 00 02 00 09 'x'");
  auto back = decode<Probe>(bytes, 1, /*base_offset=*/100);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().message(),
            "Items[1].Value: length 9 runs past the end at byte 118");
}

TEST(KafkaCodec, ACountThatCannotFitIsRejectedBeforeAnythingIsAllocated) {
  auto flexible = hex("00 00  ff ff ff ff 0f");  // compact count 2^32 - 2
  auto a = decode<Probe>(flexible, 2);
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().message().find("cannot fit"), std::string::npos);
  auto classic = hex("00 00  7f ff ff ff  00 00 00 01");
  auto b = decode<Probe>(classic, 0);
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message().find("cannot fit"), std::string::npos);
  auto negative = hex("00 00  ff ff ff fe");
  EXPECT_FALSE(decode<Probe>(negative, 0));
}

TEST(KafkaCodec, BytesLeftOverAfterTheBodyAreAnError) {
  auto bytes = hex("00 00  00 00 00 00  00");
  auto back = decode<Probe>(bytes, 0);
  ASSERT_FALSE(back);
  EXPECT_NE(back.error().message().find("left over"), std::string::npos);
}

TEST(KafkaCodec, VersionsOutsideTheApiRangeAreRefused) {
  EXPECT_FALSE(decode<Probe>(hex("00 00 00 00 00 00"), 4));
  std::vector<std::byte> out;
  Writer w(out);
  EXPECT_FALSE(encode(Probe{}, -1, w).is_ok());
}

TEST(KafkaCodec, AStringTooLongForItsInt16LengthFailsToEncode) {
  Probe p;
  p.items = {{1, std::string(40000, 'x')}};
  std::vector<std::byte> out;
  Writer w(out);
  EXPECT_FALSE(encode(p, 1, w).is_ok());
  out.clear();
  Writer compact(out);
  EXPECT_TRUE(encode(p, 2, compact).is_ok());  // compact strings have no such limit
}

TEST(KafkaCodec, RecordsPiecesBecomeExternalBytesThatTheFrameLengthCounts) {
  auto header = hex("11 22 33");
  auto tail = hex("44");
  Probe p;
  p.records.append_copy(header);
  p.records.append_external(1000, 7);
  p.records.append_view(tail);
  std::vector<std::byte> out;
  Writer w(out);
  w.begin_frame();
  ASSERT_TRUE(encode(p, 1, w).is_ok());
  w.end_frame();
  // size, code, no items, records length 1004, three bytes, [1000 external bytes], one byte.
  EXPECT_EQ(out, hex("00 00 03 f6  00 00  00 00 00 00  00 00 03 ec  11 22 33  44"));
  ASSERT_EQ(w.external().size(), 1u);
  EXPECT_EQ(w.external()[0].at, 17u);
  EXPECT_EQ(w.external()[0].size, 1000u);
  EXPECT_EQ(w.external()[0].id, 7u);
  EXPECT_EQ(encoded_size(p, 1), out.size() - 4 + 1000);
}

}  // namespace
}  // namespace cairn::protocol::kafka
