#include "protocol/compression.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

namespace cairn::protocol {
namespace {

std::vector<std::byte> bytes_of(const std::string& s) {
  std::vector<std::byte> out;
  for (char c : s) out.push_back(std::byte(c));
  return out;
}

std::string text(int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    s += R"({"user":"u-)" + std::to_string(i % 97) + R"(","event":"click","x":)" +
         std::to_string(i * 7 % 1000) + "}\n";
  }
  return s;
}

std::vector<std::byte> compressed(Compression codec, const std::vector<std::byte>& input) {
  std::vector<std::byte> out;
  EXPECT_TRUE(compress(codec, input, out).is_ok());
  return out;
}

class Codec : public ::testing::TestWithParam<Compression> {};

TEST_P(Codec, RoundTripsEmptySmallAndMultiBlockInputs) {
  for (int n : {0, 1, 50, 20000}) {
    auto input = bytes_of(text(n));
    auto packed = compressed(GetParam(), input);
    auto back = decompress(GetParam(), packed, input.size());
    ASSERT_TRUE(back) << n << ": " << back.error().to_string();
    EXPECT_EQ(*back, input) << n;
  }
}

TEST_P(Codec, CompressingAppendsAfterWhatTheOutputAlreadyHoldsLargeInputsThenSmall) {
  // A batch's header is in the output before its records are compressed after it; the codecs
  // reuse a per-thread buffer, so a small input after a large one must not see the large one's.
  const std::vector<std::byte> header(61, std::byte{0x5a});
  for (int n : {20000, 50, 1}) {
    auto input = bytes_of(text(n));
    std::vector<std::byte> out = header;
    ASSERT_TRUE(compress(GetParam(), input, out).is_ok()) << n;
    ASSERT_GT(out.size(), header.size()) << n;
    EXPECT_TRUE(std::equal(header.begin(), header.end(), out.begin())) << n;
    auto back = decompress(GetParam(), Bytes(out).subspan(header.size()), input.size());
    ASSERT_TRUE(back) << n << ": " << back.error().to_string();
    EXPECT_EQ(*back, input) << n;
  }
}

TEST_P(Codec, AnOutputOfExactlyTheLimitIsTakenAndOneByteMoreIsRefused) {
  auto input = bytes_of(text(3000));
  auto packed = compressed(GetParam(), input);
  EXPECT_TRUE(decompress(GetParam(), packed, input.size()));
  auto refused = decompress(GetParam(), packed, input.size() - 1);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.error().message().find(std::string(compression_name(GetParam()))),
            std::string::npos);
  EXPECT_NE(refused.error().message().find(std::to_string(input.size() - 1)), std::string::npos)
      << refused.error().message();
}

TEST_P(Codec, ADecompressionBombIsRefusedNotAllocated) {
  // 64 MiB of zeros compress to at most a twentieth of that (snappy; zstd: a few kilobytes).
  std::vector<std::byte> zeros(64u << 20);
  auto bomb = compressed(GetParam(), zeros);
  zeros = {};
  ASSERT_LT(bomb.size(), 4u << 20);
  auto refused = decompress(GetParam(), bomb, 1u << 20);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("1048576"), std::string::npos)
      << refused.error().message();
}

TEST_P(Codec, EveryTruncationIsRefused) {
  auto input = bytes_of(text(200));
  auto packed = compressed(GetParam(), input);
  for (size_t n = 0; n < packed.size(); ++n) {
    auto cut = std::span<const std::byte>(packed).first(n);
    auto out = decompress(GetParam(), cut, 1u << 20);
    // A cut that happens to end on a block boundary (snappy's xerial blocks) is whole data
    // that is shorter; anything else is refused.
    if (out) {
      EXPECT_LT(out->size(), input.size()) << n;
    } else {
      EXPECT_EQ(out.error().code(), Status::Code::kInvalidArgument) << n;
    }
  }
}

TEST_P(Codec, GarbageIsRefused) {
  auto garbage = bytes_of(std::string(300, '\x5a'));
  auto out = decompress(GetParam(), garbage, 1u << 20);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code(), Status::Code::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(All, Codec,
                         ::testing::Values(Compression::kGzip, Compression::kSnappy,
                                           Compression::kLz4, Compression::kZstd),
                         [](const auto& info) {
                           return std::string(compression_name(info.param));
                         });

TEST(Snappy, WritesKafkasXerialFraming) {
  auto packed = compressed(Compression::kSnappy, bytes_of(text(10)));
  ASSERT_GE(packed.size(), 20u);
  const uint8_t header[16] = {0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1};
  EXPECT_EQ(std::memcmp(packed.data(), header, 16), 0);
}

TEST(Snappy, ReadsOneRawBlockAsKafkaClientsWithoutFramingSendIt) {
  // A raw snappy block: uncompressed length 5 as a varint, then one literal of 5 bytes.
  auto raw = bytes_of(std::string("\x05\x10hello", 7));
  auto out = decompress(Compression::kSnappy, raw, 100);
  ASSERT_TRUE(out) << out.error().to_string();
  EXPECT_EQ(*out, bytes_of("hello"));
}

TEST(Snappy, ABlockClaimingAHugeLengthIsRefusedBeforeAllocating) {
  // Varint 0xffffffff: a 4 GiB claim in six bytes.
  auto raw = bytes_of(std::string("\xff\xff\xff\xff\x0f\x00", 6));
  auto out = decompress(Compression::kSnappy, raw, 1u << 20);
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message().find("1048576"), std::string::npos) << out.error().message();
}

TEST(Zstd, AFrameAskingForAHugeWindowIsRefused) {
  std::vector<std::byte> input(1u << 20, std::byte{1});
  ZSTD_CCtx* ctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_windowLog, 27);
  ZSTD_CCtx_setParameter(ctx, ZSTD_c_contentSizeFlag, 0);
  std::vector<std::byte> out(ZSTD_compressBound(input.size()));
  // Streamed, so that the encoder does not shrink the window to the input's size.
  ZSTD_outBuffer o{out.data(), out.size(), 0};
  ZSTD_inBuffer in{input.data(), input.size(), 0};
  ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(ctx, &o, &in, ZSTD_e_continue)));
  ZSTD_inBuffer none{nullptr, 0, 0};
  ASSERT_EQ(ZSTD_compressStream2(ctx, &o, &none, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(ctx);
  out.resize(o.pos);
  auto back = decompress(Compression::kZstd, out, 2u << 20);
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code(), Status::Code::kInvalidArgument);
}

TEST(Gzip, BytesAfterTheStreamAreRefused) {
  auto packed = compressed(Compression::kGzip, bytes_of(text(5)));
  packed.push_back(std::byte{0});
  EXPECT_FALSE(decompress(Compression::kGzip, packed, 1u << 20));
}

TEST(Compression, NamesParseBack) {
  for (auto c : {Compression::kNone, Compression::kGzip, Compression::kSnappy, Compression::kLz4,
                 Compression::kZstd}) {
    EXPECT_EQ(parse_compression(compression_name(c)), c);
  }
  EXPECT_FALSE(parse_compression("brotli"));
}

}  // namespace
}  // namespace cairn::protocol
