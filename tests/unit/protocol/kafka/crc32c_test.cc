// CRC-32C: known answers, the CPU path against the portable table at every length and
// alignment, continuing a CRC, and combining two CRCs without their bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/kafka/crc32c.h"

namespace cairn::protocol::kafka {
namespace {

TEST(KafkaCrc32c, KnownAnswers) {
  EXPECT_EQ(crc32c(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c_portable(as_bytes("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(as_bytes("")), 0u);
  EXPECT_EQ(crc32c(as_bytes("a")), 0xC1D04330u);
  // 32 zero bytes and 32 0xff bytes (RFC 3720, appendix B.4).
  std::vector<std::byte> zeros(32, std::byte{0}), ones(32, std::byte{0xff});
  EXPECT_EQ(crc32c(zeros), 0x8A9136AAu);
  EXPECT_EQ(crc32c(ones), 0x62A8AB43u);
}

std::vector<std::byte> random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> out(n);
  for (auto& b : out) b = static_cast<std::byte>(rng());
  return out;
}

TEST(KafkaCrc32c, TheCpuInstructionAgreesWithTheTableAtEveryLengthAndAlignment) {
  auto data = random_bytes(3 * 4096 * 2 + 3 * 256 + 100, 1);
  for (size_t start = 0; start < 8; ++start) {
    for (size_t n : {0, 1, 7, 8, 9, 63, 255, 767, 768, 769, 1000, 12287, 12288, 12289, 25000}) {
      Bytes b = Bytes(data).subspan(start, std::min(n, data.size() - start));
      ASSERT_EQ(crc32c(b), crc32c_portable(b)) << start << "+" << n;
    }
  }
}

TEST(KafkaCrc32c, ACrcContinuesAcrossPieces) {
  auto data = random_bytes(20000, 2);
  uint32_t whole = crc32c(data);
  for (size_t cut : {0, 1, 13, 4096, 12288, 19999, 20000}) {
    Bytes b(data);
    EXPECT_EQ(crc32c(b.subspan(cut), crc32c(b.first(cut))), whole) << cut;
  }
}

TEST(KafkaCrc32c, CombiningTwoCrcsNeedsOnlyTheSecondLength) {
  auto data = random_bytes(70000, 3);
  Bytes b(data);
  for (size_t cut : {0, 1, 40, 61, 1000, 65536, 69999, 70000}) {
    EXPECT_EQ(crc32c_combine(crc32c(b.first(cut)), crc32c(b.subspan(cut)), b.size() - cut),
              crc32c(b))
        << cut;
  }
}

}  // namespace
}  // namespace cairn::protocol::kafka
