#include "protocol/byte_io.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace cairn::protocol {
namespace {

TEST(ByteIo, VarintsRoundTripAcrossTheirRange) {
  const int64_t values[] = {0, 1, -1, 63, -64, 64, -65, 8191, 8192, INT32_MAX, INT32_MIN,
                            INT64_MAX, INT64_MIN, 1'700'000'000'000};
  for (int64_t v : values) {
    std::vector<std::byte> buf(varint_size(v));
    ByteWriter w(buf);
    w.write_varint(v);
    ASSERT_EQ(w.position(), buf.size()) << v;
    ByteReader r(buf);
    int64_t back = 0;
    ASSERT_TRUE(r.read_varlong(back)) << v;
    EXPECT_EQ(back, v);
    EXPECT_TRUE(r.at_end());
    if (v >= INT32_MIN && v <= INT32_MAX) {
      ByteReader r32(buf);
      int32_t back32 = 0;
      ASSERT_TRUE(r32.read_varint(back32)) << v;
      EXPECT_EQ(back32, v);
    }
  }
}

TEST(ByteIo, ZigZagMatchesTheKafkaEncoding) {
  // Kafka's ByteUtils: 0 -> 0, -1 -> 1, 1 -> 2, -2 -> 3, 2 -> 4.
  EXPECT_EQ(zigzag64(0), 0u);
  EXPECT_EQ(zigzag64(-1), 1u);
  EXPECT_EQ(zigzag64(1), 2u);
  EXPECT_EQ(zigzag64(-2), 3u);
  EXPECT_EQ(zigzag64(2), 4u);
}

TEST(ByteIo, TruncatedVarintIsRejected) {
  std::vector<std::byte> buf = {std::byte{0x80}, std::byte{0x80}};
  ByteReader r(buf);
  int64_t v;
  EXPECT_FALSE(r.read_varlong(v));
}

TEST(ByteIo, OverlongVarintIsRejected) {
  std::vector<std::byte> buf(11, std::byte{0x80});
  buf.back() = std::byte{0x01};
  ByteReader r(buf);
  int64_t v;
  EXPECT_FALSE(r.read_varlong(v));
  std::vector<std::byte> six(6, std::byte{0x81});
  six.back() = std::byte{0x01};
  ByteReader r32(six);
  int32_t v32;
  EXPECT_FALSE(r32.read_varint(v32));
}

TEST(ByteIo, FixedWidthReadsCheckTheRemainingLength) {
  std::vector<std::byte> buf = {std::byte{1}, std::byte{2}, std::byte{3}};
  ByteReader r(buf);
  uint32_t v32;
  EXPECT_FALSE(r.read(v32));
  EXPECT_EQ(r.position(), 0u);
  uint16_t v16;
  ASSERT_TRUE(r.read(v16));
  EXPECT_EQ(v16, 0x0201);
  Bytes rest;
  EXPECT_FALSE(r.read_bytes(2, rest));
  ASSERT_TRUE(r.read_bytes(1, rest));
  EXPECT_TRUE(r.at_end());
}

TEST(ByteIo, LittleEndianLayout) {
  std::byte buf[8];
  store_le<uint32_t>(buf, 0x11223344);
  EXPECT_EQ(buf[0], std::byte{0x44});
  EXPECT_EQ(buf[3], std::byte{0x11});
  store_le<int64_t>(buf, -2);
  EXPECT_EQ(buf[0], std::byte{0xfe});
  EXPECT_EQ(buf[7], std::byte{0xff});
  EXPECT_EQ(load_le<int64_t>(buf), -2);
}

}  // namespace
}  // namespace cairn::protocol
