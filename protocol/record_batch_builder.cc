#include "protocol/record_batch_builder.h"

#include <algorithm>
#include <cassert>

#include "protocol/compression.h"

namespace cairn::protocol {

namespace {

size_t nullable_size(std::optional<Bytes> b) {
  return b ? varint_size(static_cast<int64_t>(b->size())) + b->size() : varint_size(-1);
}

void write_nullable(ByteWriter& w, std::optional<Bytes> b) {
  if (!b) {
    w.write_varint(-1);
    return;
  }
  w.write_varint(static_cast<int64_t>(b->size()));
  w.write_bytes(*b);
}

}  // namespace

RecordBatchBuilder::RecordBatchBuilder(Options options) : options_(options) { reset(); }

void RecordBatchBuilder::reuse(std::vector<std::byte> buffer) {
  assert(empty());
  if (buffer.capacity() <= buffer_.capacity()) return;
  buffer_.swap(buffer);
  reset();
}

void RecordBatchBuilder::reset() {
  buffer_.assign(batch::kHeaderSize, std::byte{0});
  record_count_ = 0;
  first_timestamp_ = 0;
  max_timestamp_ = 0;
}

size_t RecordBatchBuilder::body_size(int64_t ts_delta, std::optional<Bytes> key,
                                     std::optional<Bytes> value,
                                     std::span<const HeaderEntry> headers) const {
  size_t n = 1;  // attributes
  n += varint_size(ts_delta);
  n += varint_size(record_count_);
  n += nullable_size(key);
  n += nullable_size(value);
  n += varint_size(static_cast<int64_t>(headers.size()));
  for (const HeaderEntry& h : headers) {
    n += varint_size(static_cast<int64_t>(h.key.size())) + h.key.size();
    n += nullable_size(h.value);
  }
  return n;
}

size_t RecordBatchBuilder::record_size(Timestamp timestamp, std::optional<Bytes> key,
                                       std::optional<Bytes> value,
                                       std::span<const HeaderEntry> headers) const {
  int64_t ts_delta = empty() ? 0 : to_millis(timestamp) - first_timestamp_;
  size_t body = body_size(ts_delta, key, value, headers);
  return varint_size(static_cast<int64_t>(body)) + body;
}

void RecordBatchBuilder::append(Timestamp timestamp, std::optional<Bytes> key,
                                std::optional<Bytes> value, std::span<const HeaderEntry> headers) {
  int64_t ts = to_millis(timestamp);
  if (empty()) {
    first_timestamp_ = ts;
    max_timestamp_ = ts;
  }
  max_timestamp_ = std::max(max_timestamp_, ts);
  int64_t ts_delta = ts - first_timestamp_;
  size_t body = body_size(ts_delta, key, value, headers);
  size_t total = varint_size(static_cast<int64_t>(body)) + body;

  size_t start = buffer_.size();
  buffer_.resize(start + total);
  ByteWriter w(MutableBytes(buffer_).subspan(start));
  w.write_varint(static_cast<int64_t>(body));
  w.write<uint8_t>(0);  // record attributes: unused, as in Kafka v2
  w.write_varint(ts_delta);
  w.write_varint(record_count_);
  write_nullable(w, key);
  write_nullable(w, value);
  w.write_varint(static_cast<int64_t>(headers.size()));
  for (const HeaderEntry& h : headers) {
    w.write_varint(static_cast<int64_t>(h.key.size()));
    w.write_bytes(as_bytes(h.key));
    write_nullable(w, h.value);
  }
  assert(w.position() == total);
  ++record_count_;
}

void stamp_producer(MutableBytes batch, const ProducerStamp& stamp) {
  std::byte* p = batch.data();
  store_le<int64_t>(p + batch::kProducerIdAt, stamp.producer_id);
  store_le<int16_t>(p + batch::kProducerEpochAt, stamp.producer_epoch);
  store_le<int32_t>(p + batch::kBaseSequenceAt, stamp.base_sequence);
  store_le<uint64_t>(p + batch::kChecksumAt, batch_checksum(batch));
  store_le<uint32_t>(p + batch::kHeaderChecksumAt, header_checksum(batch));
}

std::vector<std::byte> RecordBatchBuilder::seal() {
  assert(!empty());
  Compression codec = options_.compression;
  if (codec != Compression::kNone) {
    std::vector<std::byte> compressed(batch::kHeaderSize);
    Bytes records = Bytes(buffer_).subspan(batch::kHeaderSize);
    if (compress(codec, records, compressed).is_ok()) {
      buffer_.swap(compressed);
    } else {
      codec = Compression::kNone;
    }
  }
  uint16_t attributes = static_cast<uint16_t>(codec);
  if (options_.transactional) attributes |= batch::kTransactionalBit;
  if (options_.control) attributes |= batch::kControlBit;

  std::byte* p = buffer_.data();
  store_le<int64_t>(p + batch::kBaseOffsetAt, 0);
  store_le<uint32_t>(p + batch::kBatchLengthAt, static_cast<uint32_t>(buffer_.size()));
  store_le<int32_t>(p + batch::kLeaderEpochAt, 0);
  store_le<uint8_t>(p + batch::kMagicAt, batch::kMagic);
  store_le<uint16_t>(p + batch::kAttributesAt, attributes);
  store_le<int32_t>(p + batch::kLastOffsetDeltaAt, record_count_ - 1);
  store_le<int64_t>(p + batch::kFirstTimestampAt, first_timestamp_);
  store_le<int64_t>(p + batch::kMaxTimestampAt, max_timestamp_);
  store_le<int64_t>(p + batch::kProducerIdAt, options_.producer_id);
  store_le<int16_t>(p + batch::kProducerEpochAt, options_.producer_epoch);
  store_le<int32_t>(p + batch::kBaseSequenceAt, options_.base_sequence);
  store_le<int32_t>(p + batch::kRecordCountAt, record_count_);
  store_le<uint64_t>(p + batch::kChecksumAt, batch_checksum(buffer_));
  store_le<uint32_t>(p + batch::kHeaderChecksumAt, header_checksum(buffer_));

  std::vector<std::byte> out;
  out.swap(buffer_);
  reset();
  return out;
}

}  // namespace cairn::protocol
