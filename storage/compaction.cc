#include "storage/compaction.h"

#include <xxhash.h>

#include "protocol/compression.h"
#include "protocol/wire_format.h"

namespace cairn::storage {

namespace batch = protocol::batch;
using protocol::store_le;

KeyOffsetMap::Hash128 KeyOffsetMap::hash(Bytes key) {
  XXH128_hash_t h = XXH3_128bits(key.data(), key.size());
  return Hash128{h.low64, h.high64};
}

void KeyOffsetMap::put(Bytes key, Offset offset) {
  auto [it, inserted] = map_.try_emplace(hash(key), offset);
  if (!inserted && it->second < offset) it->second = offset;
}

std::optional<Offset> KeyOffsetMap::find(Bytes key) const {
  auto it = map_.find(hash(key));
  if (it == map_.end()) return std::nullopt;
  return it->second;
}

Status add_to_key_map(const protocol::RecordBatchView& batch, size_t max_decompressed_bytes,
                      KeyOffsetMap& map) {
  const auto& h = batch.header();
  if (h.is_control() || h.is_transactional() || h.record_count == 0) return Status::ok();
  auto records = protocol::BatchRecords::open(batch, max_decompressed_bytes);
  if (!records) return records.error();
  protocol::RecordReader reader = records->reader();
  protocol::RecordView record;
  while (reader.next(record)) {
    if (record.key) map.put(*record.key, record.offset);
  }
  return reader.status();
}

namespace {

bool keep(const protocol::RecordView& record, const KeyOffsetMap& map,
          const CompactionRules& rules) {
  if (!record.key) return true;
  auto newest = map.find(*record.key);
  if (newest && *newest > record.offset) return false;
  if (!record.value && record.timestamp < rules.tombstone_horizon) return false;
  return true;
}

// Writes the header of a compacted batch: the old one's fields with a new length, record count
// and codec, then both checksums (the base offset and leader epoch stay).
void reseal(const protocol::BatchHeader& old, int32_t record_count, uint16_t attributes,
            std::vector<std::byte>& out) {
  std::byte* p = out.data();
  store_le<uint32_t>(p + batch::kBatchLengthAt, static_cast<uint32_t>(out.size()));
  store_le<uint8_t>(p + batch::kMagicAt, batch::kMagic);
  store_le<uint16_t>(p + batch::kAttributesAt, attributes);
  store_le<int32_t>(p + batch::kLastOffsetDeltaAt, old.last_offset_delta);
  store_le<int64_t>(p + batch::kFirstTimestampAt, old.first_timestamp);
  store_le<int64_t>(p + batch::kMaxTimestampAt, old.max_timestamp);
  store_le<int64_t>(p + batch::kProducerIdAt, old.producer_id);
  store_le<int16_t>(p + batch::kProducerEpochAt, old.producer_epoch);
  store_le<int32_t>(p + batch::kBaseSequenceAt, old.base_sequence);
  store_le<int32_t>(p + batch::kRecordCountAt, record_count);
  store_le<uint64_t>(p + batch::kChecksumAt, protocol::batch_checksum(out));
  protocol::assign_offsets(out, old.base_offset, old.leader_epoch);
}

}  // namespace

Result<CompactedBatch> compact_batch(const protocol::RecordBatchView& batch,
                                     const KeyOffsetMap& map, const CompactionRules& rules) {
  const auto& h = batch.header();
  CompactedBatch result;
  if (h.is_control() || h.is_transactional() || h.record_count == 0) return result;
  auto records = protocol::BatchRecords::open(batch, rules.max_decompressed_bytes);
  if (!records) return records.error();

  std::vector<std::byte> kept;
  int32_t kept_count = 0;
  protocol::RecordReader reader = records->reader();
  protocol::RecordView record;
  while (reader.next(record)) {
    if (keep(record, map, rules)) {
      kept.insert(kept.end(), record.encoded.begin(), record.encoded.end());
      ++kept_count;
    } else {
      ++result.records_dropped;
    }
  }
  CAIRN_RETURN_IF_ERROR(reader.status());
  if (result.records_dropped == 0) return result;

  uint16_t attributes = h.attributes;
  result.bytes.assign(batch::kHeaderSize, std::byte{0});
  if (kept_count == 0) {
    attributes &= static_cast<uint16_t>(~batch::kCompressionMask);
  } else if (h.compression() == protocol::Compression::kNone) {
    result.bytes.insert(result.bytes.end(), kept.begin(), kept.end());
  } else {
    CAIRN_RETURN_IF_ERROR(protocol::compress(h.compression(), kept, result.bytes));
  }
  reseal(h, kept_count, attributes, result.bytes);
  return result;
}

}  // namespace cairn::storage
