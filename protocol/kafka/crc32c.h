#pragma once

// CRC-32C (Castagnoli; reflected polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF):
// the checksum of Kafka's RecordBatch v2. Uses the SSE4.2 crc32 instruction when the CPU has it
// (decided once, at first use) and a portable slicing-by-8 table otherwise; both give the same
// values. Known answer: crc32c("123456789") = 0xE3069283.

#include <cstdint>

#include "protocol/byte_io.h"

namespace cairn::protocol::kafka {

// The CRC-32C of `data`, continuing from `crc` (the CRC of the bytes before it; 0 to start):
// crc32c(b, crc32c(a)) == crc32c(a followed by b).
uint32_t crc32c(Bytes data, uint32_t crc = 0);

// The same, never using the CPU instruction (for tests and benchmarks).
uint32_t crc32c_portable(Bytes data, uint32_t crc = 0);

// Whether crc32c() uses the CPU instruction on this machine.
bool crc32c_is_hardware();

// The CRC-32C of a followed by b, from crc32c(a), crc32c(b) and b's length, without the bytes:
// O(log length_b) work.
uint32_t crc32c_combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b);

}  // namespace cairn::protocol::kafka
