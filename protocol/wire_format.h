#pragma once

// Constants of the record batch format. PROTOCOL.md ("Record batch") is the spec; the reader,
// the builder and the golden-bytes test all include this file. Every integer is little-endian.

#include <cstddef>
#include <cstdint>

namespace cairn::protocol::batch {

// Byte offsets of the batch header fields.
inline constexpr size_t kBaseOffsetAt = 0;        // i64, written by the broker
inline constexpr size_t kBatchLengthAt = 8;       // u32, bytes of the whole batch, header included
inline constexpr size_t kLeaderEpochAt = 12;      // i32, written by the broker
inline constexpr size_t kHeaderChecksumAt = 16;   // u32, over bytes [0, 16), written by the broker
inline constexpr size_t kChecksumAt = 20;         // u64, XXH3-64 over bytes [28, batch_length)
inline constexpr size_t kMagicAt = 28;            // u8
inline constexpr size_t kAttributesAt = 29;       // u16
inline constexpr size_t kLastOffsetDeltaAt = 31;  // i32
inline constexpr size_t kFirstTimestampAt = 35;   // i64, ms since the Unix epoch
inline constexpr size_t kMaxTimestampAt = 43;     // i64
inline constexpr size_t kProducerIdAt = 51;       // i64, -1 when not idempotent
inline constexpr size_t kProducerEpochAt = 59;    // i16
inline constexpr size_t kBaseSequenceAt = 61;     // i32, -1 when not idempotent
inline constexpr size_t kRecordCountAt = 65;      // i32
inline constexpr size_t kHeaderSize = 69;         // records start here

// The header checksum covers the fields the broker writes when it assigns offsets.
inline constexpr size_t kHeaderChecksumCovers = kHeaderChecksumAt;
// The checksum covers everything the producer wrote, from the magic byte to the end.
inline constexpr size_t kChecksumFrom = kMagicAt;

inline constexpr uint8_t kMagic = 1;

// Attributes.
inline constexpr uint16_t kCompressionMask = 0x07;
inline constexpr uint16_t kMaxCompressionCodec = 4;  // zstd
inline constexpr uint16_t kTimestampTypeBit = 0x08;  // 0 create time, 1 log append time
inline constexpr uint16_t kTransactionalBit = 0x10;
inline constexpr uint16_t kControlBit = 0x20;
inline constexpr uint16_t kKnownAttributes = 0x3f;

// The smallest record: length, attributes, timestamp delta, offset delta, key length, value
// length and header count, one byte each.
inline constexpr size_t kMinRecordSize = 7;

// A batch can never be larger than this, whatever the configured limits.
inline constexpr uint32_t kMaxBatchLength = 1u << 30;

// The records of a compressed batch may decompress to at most the max batch bytes times this
// (and never more than kMaxBatchLength); anything bigger is refused, never allocated.
inline constexpr uint32_t kMaxDecompressionRatio = 16;
// The limit for the default max batch bytes (8 MiB): 128 MiB.
inline constexpr size_t kDefaultMaxDecompressedBytes = size_t{8u << 20} * kMaxDecompressionRatio;

inline constexpr size_t max_decompressed_bytes(uint32_t max_batch_bytes) {
  uint64_t limit = uint64_t{max_batch_bytes} * kMaxDecompressionRatio;
  return static_cast<size_t>(limit < kMaxBatchLength ? limit : kMaxBatchLength);
}

inline constexpr int64_t kNoProducerId = -1;
inline constexpr int16_t kNoProducerEpoch = -1;
inline constexpr int32_t kNoSequence = -1;

}  // namespace cairn::protocol::batch
