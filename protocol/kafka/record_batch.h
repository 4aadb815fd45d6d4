#pragma once

// Kafka RecordBatch v2 (magic 2) and its translation to and from Cairn's record batch
// (protocol/record_batch.h). Both carry the same fields and the same records bytes (Kafka v2
// record encoding; a compressed payload stays as it is), so translating a batch rewrites only
// its header and checksums:
//
//   Kafka (big-endian, 61 bytes)           Cairn (little-endian, 69 bytes)
//   base offset, leader epoch              the same fields
//   batch length = bytes after the field   batch length = whole batch
//   magic 2                                magic 1
//   CRC-32C over [21, end)                 XXH3-64 over [28, end) and a header checksum
//   attributes .. record count             the same fields, same values
//
// The Kafka CRC covers the header from attributes on plus the records, so it can be rebuilt for
// a stored Cairn batch from the CRC-32C of its records alone (crc32c_combine): a fetch writes
// the 61-byte header from memory and sends the records from the file. The CRC does not cover
// base offset, batch length or leader epoch, which the broker writes.

#include <cstddef>
#include <cstdint>
#include <span>

#include "protocol/byte_io.h"
#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/wire_format.h"

namespace cairn::protocol::kafka::batch {

// Byte offsets of the RecordBatch v2 header fields (big-endian).
inline constexpr size_t kBaseOffsetAt = 0;        // int64
inline constexpr size_t kBatchLengthAt = 8;       // int32, bytes after this field
inline constexpr size_t kLeaderEpochAt = 12;      // int32, partition leader epoch
inline constexpr size_t kMagicAt = 16;            // int8, 2
inline constexpr size_t kCrcAt = 17;              // uint32, CRC-32C over [kCrcFrom, end)
inline constexpr size_t kAttributesAt = 21;       // int16
inline constexpr size_t kLastOffsetDeltaAt = 23;  // int32
inline constexpr size_t kBaseTimestampAt = 27;    // int64
inline constexpr size_t kMaxTimestampAt = 35;     // int64
inline constexpr size_t kProducerIdAt = 43;       // int64
inline constexpr size_t kProducerEpochAt = 51;    // int16
inline constexpr size_t kBaseSequenceAt = 53;     // int32
inline constexpr size_t kRecordCountAt = 57;      // int32
inline constexpr size_t kHeaderSize = 61;         // records start here

inline constexpr size_t kCrcFrom = kAttributesAt;
inline constexpr size_t kLengthFieldEnd = kBatchLengthAt + 4;  // batch length counts from here
inline constexpr size_t kCrcCoveredHeader = kHeaderSize - kCrcFrom;  // 40 header bytes
inline constexpr uint8_t kMagic = 2;

// Attributes: bits 0-2 compression (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd), bit 3 timestamp
// type, bit 4 transactional, bit 5 control, bit 6 delete horizon (set only by compaction).
inline constexpr uint16_t kMaxCompression = 4;
inline constexpr uint16_t kDeleteHorizonBit = 0x40;

}  // namespace cairn::protocol::kafka::batch

namespace cairn::protocol::kafka {

// One verified RecordBatch v2, described in Cairn's terms.
struct KafkaBatch {
  // The fields as a Cairn batch of the same records would hold them: magic is Cairn's and
  // batch_length is the Cairn batch's length; the checksums are not computed.
  BatchHeader header;
  uint32_t crc = 0;  // the Kafka CRC-32C, verified
  Bytes records;     // a view into the parsed bytes
  size_t size = 0;   // bytes of the Kafka batch
};

// Parses and verifies the RecordBatch v2 at the front of `bytes` (which may hold more batches
// after it). Checks the length (whole batch present, header included, translated size within
// Cairn's limit), magic 2, the CRC-32C, the attributes (known bits, a known codec, no delete
// horizon), record count >= 1 with last offset delta = count - 1 (and count * 7 <= records
// bytes when uncompressed), and max timestamp >= base timestamp. Does not walk the records.
// Errors: kInvalidArgument for a magic other than 2, kCorruption for everything else.
Result<KafkaBatch> parse_kafka_batch(Bytes bytes);

// Writes the Cairn header for `records` (the same records bytes) from `header`'s fields: batch
// length, both checksums. `out` is the header's 69 bytes.
void write_cairn_header(const BatchHeader& header, Bytes records,
                        std::span<std::byte, protocol::batch::kHeaderSize> out);

// Writes the whole Cairn batch of `kafka_batch` (header, then a copy of the records) to `out`,
// which must be exactly protocol::batch::kHeaderSize + records bytes long.
void write_cairn_batch(const KafkaBatch& kafka_batch, MutableBytes out);

// The Kafka CRC-32C of a batch with `header`'s fields and records whose CRC-32C is
// `records_crc`, without reading the records.
uint32_t kafka_batch_crc(const BatchHeader& header, uint32_t records_crc, uint64_t records_size);
// The reverse: the records' CRC-32C from a Kafka batch CRC (to keep next to a stored batch).
uint32_t records_crc_from_batch_crc(const BatchHeader& header, uint32_t batch_crc,
                                    uint64_t records_size);

// Writes the 61-byte Kafka header for a stored Cairn batch (`header`, as decoded from storage)
// whose records have CRC-32C `records_crc`. The records follow the header unchanged.
void write_kafka_header(const BatchHeader& header, uint32_t records_crc,
                        std::span<std::byte, batch::kHeaderSize> out);

}  // namespace cairn::protocol::kafka
