#include "protocol/kafka/record_batch.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include <array>
#include <cstring>
#include <string>

#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/wire.h"

namespace cairn::protocol::kafka {

namespace {

namespace cb = ::cairn::protocol::batch;

Status corrupt(const std::string& why) { return Status::corruption("Kafka record batch: " + why); }

// The 40 header bytes the Kafka CRC covers (attributes .. record count), big-endian.
std::array<std::byte, batch::kCrcCoveredHeader> crc_covered_header(const BatchHeader& h) {
  std::array<std::byte, batch::kCrcCoveredHeader> out;
  auto at = [&](size_t field) { return out.data() + (field - batch::kCrcFrom); };
  store_be<int16_t>(at(batch::kAttributesAt), static_cast<int16_t>(h.attributes));
  store_be<int32_t>(at(batch::kLastOffsetDeltaAt), h.last_offset_delta);
  store_be<int64_t>(at(batch::kBaseTimestampAt), h.first_timestamp);
  store_be<int64_t>(at(batch::kMaxTimestampAt), h.max_timestamp);
  store_be<int64_t>(at(batch::kProducerIdAt), h.producer_id);
  store_be<int16_t>(at(batch::kProducerEpochAt), h.producer_epoch);
  store_be<int32_t>(at(batch::kBaseSequenceAt), h.base_sequence);
  store_be<int32_t>(at(batch::kRecordCountAt), h.record_count);
  return out;
}

}  // namespace

Result<KafkaBatch> parse_kafka_batch(Bytes bytes) {
  if (bytes.size() < batch::kHeaderSize) {
    return corrupt("header needs " + std::to_string(batch::kHeaderSize) + " bytes, have " +
                   std::to_string(bytes.size()));
  }
  const std::byte* p = bytes.data();
  int32_t length = load_be<int32_t>(p + batch::kBatchLengthAt);
  const int64_t min_length = batch::kHeaderSize - batch::kLengthFieldEnd;
  const int64_t max_length = int64_t{cb::kMaxBatchLength} - cb::kHeaderSize +
                             batch::kHeaderSize - batch::kLengthFieldEnd;
  if (length < min_length || length > max_length) {
    return corrupt("batch length " + std::to_string(length) + " outside [" +
                   std::to_string(min_length) + ", " + std::to_string(max_length) + "]");
  }
  size_t size = batch::kLengthFieldEnd + static_cast<size_t>(length);
  if (size > bytes.size()) {
    return corrupt("batch of " + std::to_string(size) + " bytes runs past the " +
                   std::to_string(bytes.size()) + " bytes available");
  }
  auto magic = static_cast<uint8_t>(p[batch::kMagicAt]);
  if (magic != batch::kMagic) {
    return Status::invalid_argument("Kafka record batch: magic " + std::to_string(magic) +
                                    " (message format v0/v1) is not supported");
  }
  KafkaBatch out;
  out.size = size;
  out.crc = load_be<uint32_t>(p + batch::kCrcAt);
  Bytes whole = bytes.first(size);
  if (crc32c(whole.subspan(batch::kCrcFrom)) != out.crc) return corrupt("CRC-32C mismatch");
  out.records = whole.subspan(batch::kHeaderSize);

  BatchHeader& h = out.header;
  h.base_offset = Offset(load_be<int64_t>(p + batch::kBaseOffsetAt));
  h.batch_length = static_cast<uint32_t>(cb::kHeaderSize + out.records.size());
  h.leader_epoch = load_be<int32_t>(p + batch::kLeaderEpochAt);
  h.magic = cb::kMagic;
  h.attributes = load_be<uint16_t>(p + batch::kAttributesAt);
  h.last_offset_delta = load_be<int32_t>(p + batch::kLastOffsetDeltaAt);
  h.first_timestamp = load_be<int64_t>(p + batch::kBaseTimestampAt);
  h.max_timestamp = load_be<int64_t>(p + batch::kMaxTimestampAt);
  h.producer_id = load_be<int64_t>(p + batch::kProducerIdAt);
  h.producer_epoch = load_be<int16_t>(p + batch::kProducerEpochAt);
  h.base_sequence = load_be<int32_t>(p + batch::kBaseSequenceAt);
  h.record_count = load_be<int32_t>(p + batch::kRecordCountAt);

  if ((h.attributes & ~cb::kKnownAttributes) != 0 || (h.attributes & batch::kDeleteHorizonBit)) {
    return corrupt("attributes " + std::to_string(h.attributes) + " have unknown bits");
  }
  if ((h.attributes & cb::kCompressionMask) > batch::kMaxCompression) {
    return corrupt("unknown compression codec " +
                   std::to_string(h.attributes & cb::kCompressionMask));
  }
  if (h.record_count < 1 || h.last_offset_delta != h.record_count - 1) {
    return corrupt("record count " + std::to_string(h.record_count) + " with last offset delta " +
                   std::to_string(h.last_offset_delta));
  }
  if (h.compression() == Compression::kNone &&
      static_cast<uint64_t>(h.record_count) > out.records.size() / cb::kMinRecordSize) {
    return corrupt("record count " + std::to_string(h.record_count) + " cannot fit in " +
                   std::to_string(out.records.size()) + " bytes");
  }
  if (h.max_timestamp < h.first_timestamp) {
    return corrupt("max timestamp before base timestamp");
  }
  return out;
}

void write_cairn_header(const BatchHeader& h, Bytes records,
                        std::span<std::byte, cb::kHeaderSize> out) {
  std::byte* p = out.data();
  store_le<int64_t>(p + cb::kBaseOffsetAt, h.base_offset.value());
  store_le<uint32_t>(p + cb::kBatchLengthAt,
                     static_cast<uint32_t>(cb::kHeaderSize + records.size()));
  store_le<int32_t>(p + cb::kLeaderEpochAt, h.leader_epoch);
  store_le<uint8_t>(p + cb::kMagicAt, cb::kMagic);
  store_le<uint16_t>(p + cb::kAttributesAt, h.attributes);
  store_le<int32_t>(p + cb::kLastOffsetDeltaAt, h.last_offset_delta);
  store_le<int64_t>(p + cb::kFirstTimestampAt, h.first_timestamp);
  store_le<int64_t>(p + cb::kMaxTimestampAt, h.max_timestamp);
  store_le<int64_t>(p + cb::kProducerIdAt, h.producer_id);
  store_le<int16_t>(p + cb::kProducerEpochAt, h.producer_epoch);
  store_le<int32_t>(p + cb::kBaseSequenceAt, h.base_sequence);
  store_le<int32_t>(p + cb::kRecordCountAt, h.record_count);
  // The checksum covers the header from the magic byte on and then the records, which need
  // not follow the header in memory.
  XXH3_state_t state;
  XXH3_64bits_reset(&state);
  XXH3_64bits_update(&state, p + cb::kChecksumFrom, cb::kHeaderSize - cb::kChecksumFrom);
  XXH3_64bits_update(&state, records.data(), records.size());
  store_le<uint64_t>(p + cb::kChecksumAt, XXH3_64bits_digest(&state));
  store_le<uint32_t>(p + cb::kHeaderChecksumAt, header_checksum(Bytes(out)));
}

void write_cairn_batch(const KafkaBatch& kafka_batch, MutableBytes out) {
  std::memcpy(out.data() + cb::kHeaderSize, kafka_batch.records.data(),
              kafka_batch.records.size());
  write_cairn_header(kafka_batch.header, kafka_batch.records, out.first<cb::kHeaderSize>());
}

uint32_t kafka_batch_crc(const BatchHeader& h, uint32_t records_crc, uint64_t records_size) {
  auto covered = crc_covered_header(h);
  return crc32c_combine(crc32c(covered), records_crc, records_size);
}

uint32_t records_crc_from_batch_crc(const BatchHeader& h, uint32_t batch_crc,
                                    uint64_t records_size) {
  auto covered = crc_covered_header(h);
  // batch_crc = shift(crc(header), n) ^ crc(records), and combine(c, 0, n) = shift(c, n).
  return batch_crc ^ crc32c_combine(crc32c(covered), 0, records_size);
}

void write_kafka_header(const BatchHeader& h, uint32_t records_crc,
                        std::span<std::byte, batch::kHeaderSize> out) {
  uint64_t records_size = h.batch_length - cb::kHeaderSize;
  std::byte* p = out.data();
  store_be<int64_t>(p + batch::kBaseOffsetAt, h.base_offset.value());
  uint64_t length = batch::kHeaderSize - batch::kLengthFieldEnd + records_size;
  store_be<int32_t>(p + batch::kBatchLengthAt, static_cast<int32_t>(length));
  store_be<int32_t>(p + batch::kLeaderEpochAt, h.leader_epoch);
  p[batch::kMagicAt] = std::byte{batch::kMagic};
  auto covered = crc_covered_header(h);
  std::memcpy(p + batch::kCrcFrom, covered.data(), covered.size());
  store_be<uint32_t>(p + batch::kCrcAt,
                     crc32c_combine(crc32c(covered), records_crc, records_size));
}

}  // namespace cairn::protocol::kafka
