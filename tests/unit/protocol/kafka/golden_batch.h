#pragma once

// Two RecordBatch v2 as a Kafka broker returned them, byte for byte (magic 2, CRC-32C).

#include "tests/unit/protocol/kafka/hex.h"

namespace cairn::protocol::kafka::test {

// One record: no key, value "123", timestamp 1503229838908 (0x15dff7b063c); leader epoch 1.
inline std::vector<std::byte> golden_batch() {
  return hex(
      "00 00 00 00 00 00 00 00  00 00 00 3b  00 00 00 01  02  03 18 a2 70  00 00  00 00 00 00"
      "  00 00 01 5d ff 7b 06 3c  00 00 01 5d ff 7b 06 3c  ff ff ff ff ff ff ff ff  ff ff"
      "  ff ff ff ff  00 00 00 01"
      "  12 00 00 00 01 06 '123' 00");
}

// One record: value "hdr" with header hkey=hval, timestamp 0x16585b6f3c1.
inline std::vector<std::byte> golden_batch_with_header() {
  return hex(
      "00 00 00 00 00 00 00 00  00 00 00 45  00 00 00 00  02  5c d8 ef 52  00 00  00 00 00 00"
      "  00 00 01 65 85 b6 f3 c1  00 00 01 65 85 b6 f3 c1  ff ff ff ff ff ff ff ff  ff ff"
      "  ff ff ff ff  00 00 00 01"
      "  26 00 00 00 01 06 'hdr' 02 08 'hkey' 08 'hval'");
}

}  // namespace cairn::protocol::kafka::test
