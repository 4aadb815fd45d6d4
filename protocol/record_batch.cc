#include "protocol/record_batch.h"

#include <xxhash.h>

#include <string>

#include "protocol/wire_format.h"

namespace cairn::protocol {

namespace {

std::string at(size_t pos) { return " at byte " + std::to_string(pos); }

}  // namespace

Compression BatchHeader::compression() const {
  return static_cast<Compression>(attributes & batch::kCompressionMask);
}
bool BatchHeader::is_transactional() const { return (attributes & batch::kTransactionalBit) != 0; }
bool BatchHeader::is_control() const { return (attributes & batch::kControlBit) != 0; }

uint32_t peek_batch_length(Bytes bytes) {
  return load_le<uint32_t>(bytes.data() + batch::kBatchLengthAt);
}

uint64_t batch_checksum(Bytes batch) {
  Bytes covered = batch.subspan(batch::kChecksumFrom);
  return XXH3_64bits(covered.data(), covered.size());
}

uint32_t header_checksum(Bytes batch) {
  return static_cast<uint32_t>(XXH3_64bits(batch.data(), batch::kHeaderChecksumCovers));
}

Result<BatchHeader> decode_batch_header(Bytes bytes) {
  if (bytes.size() < batch::kHeaderSize) {
    return Status::corruption("batch header needs " + std::to_string(batch::kHeaderSize) +
                              " bytes, have " + std::to_string(bytes.size()));
  }
  const std::byte* p = bytes.data();
  BatchHeader h;
  h.base_offset = Offset(load_le<int64_t>(p + batch::kBaseOffsetAt));
  h.batch_length = load_le<uint32_t>(p + batch::kBatchLengthAt);
  h.leader_epoch = load_le<int32_t>(p + batch::kLeaderEpochAt);
  h.header_checksum = load_le<uint32_t>(p + batch::kHeaderChecksumAt);
  h.checksum = load_le<uint64_t>(p + batch::kChecksumAt);
  h.magic = load_le<uint8_t>(p + batch::kMagicAt);
  h.attributes = load_le<uint16_t>(p + batch::kAttributesAt);
  h.last_offset_delta = load_le<int32_t>(p + batch::kLastOffsetDeltaAt);
  h.first_timestamp = load_le<int64_t>(p + batch::kFirstTimestampAt);
  h.max_timestamp = load_le<int64_t>(p + batch::kMaxTimestampAt);
  h.producer_id = load_le<int64_t>(p + batch::kProducerIdAt);
  h.producer_epoch = load_le<int16_t>(p + batch::kProducerEpochAt);
  h.base_sequence = load_le<int32_t>(p + batch::kBaseSequenceAt);
  h.record_count = load_le<int32_t>(p + batch::kRecordCountAt);
  return h;
}

Result<RecordBatchView> RecordBatchView::parse(Bytes bytes, Verify verify) {
  const bool produced = verify != Verify::kStored;
  // A stored batch that breaks any rule was damaged after it was written. A produced batch can
  // be damaged on its way only where its checksum would show it; any other broken rule means it
  // was built that way, and sending it again cannot help.
  auto broken = [produced](std::string message) {
    return produced ? Status::invalid_argument(std::move(message))
                    : Status::corruption(std::move(message));
  };
  auto decoded = decode_batch_header(bytes);
  if (!decoded) return broken(decoded.error().message());
  const BatchHeader& h = *decoded;
  if (h.batch_length < batch::kHeaderSize || h.batch_length > batch::kMaxBatchLength) {
    return broken("batch length " + std::to_string(h.batch_length) + " outside [" +
                  std::to_string(batch::kHeaderSize) + ", " +
                  std::to_string(batch::kMaxBatchLength) + "]");
  }
  if (h.batch_length > bytes.size()) {
    return broken("batch length " + std::to_string(h.batch_length) + " past the " +
                  std::to_string(bytes.size()) + " bytes available");
  }
  Bytes whole = bytes.first(h.batch_length);
  if (verify == Verify::kFramingOnly) return RecordBatchView(whole, h, verify);
  if (!produced && header_checksum(whole) != h.header_checksum) {
    return Status::corruption("batch header checksum mismatch (base offset " +
                              h.base_offset.to_string() + ")");
  }
  // Before the checksum: another format version may checksum differently.
  if (h.magic != batch::kMagic) return broken("unknown batch magic " + std::to_string(h.magic));
  if (batch_checksum(whole) != h.checksum) {
    return Status::corruption("batch checksum mismatch (base offset " + h.base_offset.to_string() +
                              ")");
  }
  // The rest is checked after the checksum, so that a flipped bit reports as a checksum failure.
  if ((h.attributes & ~batch::kKnownAttributes) != 0) {
    return broken("unknown batch attributes " + std::to_string(h.attributes));
  }
  if (produced && (h.attributes & batch::kTimestampTypeBit) != 0) {
    return broken("log-append time (timestamp type 1) is not supported; send create time");
  }
  if (produced && verify != Verify::kMarker && (h.attributes & batch::kControlBit) != 0) {
    return broken("the control bit is refused: only the broker writes markers");
  }
  if (produced && verify != Verify::kMarker && (h.attributes & batch::kTransactionalBit) != 0 &&
      (h.producer_id < 0 || h.producer_epoch < 0 || h.base_sequence < 0)) {
    return broken("a transactional batch needs a producer id, epoch and base sequence");
  }
  if ((h.attributes & batch::kCompressionMask) > batch::kMaxCompressionCodec) {
    return broken("unknown compression codec " +
                  std::to_string(h.attributes & batch::kCompressionMask));
  }
  // Plain records take 7 bytes each at least; compressed ones at least that once decompressed,
  // within the largest batch there can be.
  const bool compressed = h.compression() != Compression::kNone;
  const uint64_t records_room =
      compressed ? batch::kMaxBatchLength : h.batch_length - batch::kHeaderSize;
  // A stored batch may be empty: compaction kept its header (and offset range) but no record.
  const bool empty = !produced && h.record_count == 0;
  if (empty && (compressed || h.batch_length != batch::kHeaderSize)) {
    return broken("an empty batch must be uncompressed and hold no bytes after its header");
  }
  if ((h.record_count < 1 && !empty) ||
      static_cast<uint64_t>(h.record_count) > records_room / batch::kMinRecordSize ||
      (compressed && h.batch_length == batch::kHeaderSize)) {
    return broken("record count " + std::to_string(h.record_count) + " does not fit a batch of " +
                  std::to_string(h.batch_length) + " bytes");
  }
  // A compacted stored batch keeps its offset range while records inside are gone.
  if (produced ? h.last_offset_delta != h.record_count - 1
               : h.last_offset_delta < h.record_count - 1) {
    return broken("last offset delta " + std::to_string(h.last_offset_delta) +
                  " does not match record count " + std::to_string(h.record_count));
  }
  // A produced batch's base offset is the broker's to write; whatever the producer put there
  // is ignored.
  if (!produced &&
      (h.base_offset.value() < 0 || h.base_offset.value() > INT64_MAX - h.last_offset_delta - 1)) {
    return Status::corruption("base offset " + h.base_offset.to_string() + " out of range");
  }
  if (h.max_timestamp < h.first_timestamp) return broken("max timestamp before first timestamp");
  return RecordBatchView(whole, h, verify);
}

Bytes RecordBatchView::records_bytes() const { return bytes_.subspan(batch::kHeaderSize); }

Status RecordBatchView::validate_records(size_t max_decompressed_bytes) const {
  auto records = BatchRecords::open(*this, max_decompressed_bytes);
  if (!records) return records.error();
  // A compacted stored batch keeps its header's timestamps while records are gone: they bound
  // the records kept rather than equal them.
  const bool exact =
      verify_ == Verify::kProduced || header_.record_count == header_.last_offset_delta + 1;
  RecordReader reader = records->reader();
  RecordView record;
  int32_t count = 0;
  int64_t previous_delta = -1;
  int64_t max_ts = INT64_MIN;
  while (reader.next(record)) {
    if (record.attributes != 0) {
      return Status::invalid_argument("record " + std::to_string(count) + " has attributes " +
                                      std::to_string(record.attributes) + "; they must be 0");
    }
    int64_t delta = record.offset - header_.base_offset;
    bool in_order = verify_ == Verify::kProduced
                        ? delta == count
                        : delta > previous_delta && delta <= header_.last_offset_delta;
    if (!in_order) {
      return Status::invalid_argument("record " + std::to_string(count) + " has offset delta " +
                                      std::to_string(delta));
    }
    previous_delta = delta;
    int64_t ts = to_millis(record.timestamp);
    if (!exact && (ts < header_.first_timestamp || ts > header_.max_timestamp)) {
      return Status::invalid_argument("record " + std::to_string(count) +
                                      " has a timestamp outside the batch's range");
    }
    if (exact && count == 0 && ts != header_.first_timestamp) {
      return Status::invalid_argument(
          "first record timestamp differs from the batch first timestamp");
    }
    max_ts = std::max(max_ts, ts);
    ++count;
  }
  if (!reader.status().is_ok()) return Status::invalid_argument(reader.status().message());
  if (count != header_.record_count) {
    return Status::invalid_argument("batch holds " + std::to_string(count) +
                                    " records, header says " +
                                    std::to_string(header_.record_count));
  }
  if (exact && max_ts != header_.max_timestamp) {
    return Status::invalid_argument("batch max timestamp does not match its records");
  }
  return Status::ok();
}

std::vector<HeaderView> RecordView::headers() const {
  std::vector<HeaderView> out;
  out.reserve(static_cast<size_t>(header_count));
  ByteReader r(headers_bytes);
  for (int32_t i = 0; i < header_count; ++i) {
    int32_t klen = 0, vlen = 0;
    Bytes k, v;
    // RecordReader has checked these bounds; a failure here means the bytes changed under us.
    if (!r.read_varint(klen) || klen < 0 || !r.read_bytes(static_cast<size_t>(klen), k) ||
        !r.read_varint(vlen) || vlen < -1) {
      break;
    }
    HeaderView hv{as_string_view(k), std::nullopt};
    if (vlen >= 0) {
      if (!r.read_bytes(static_cast<size_t>(vlen), v)) break;
      hv.value = v;
    }
    out.push_back(hv);
  }
  return out;
}

Result<BatchRecords> BatchRecords::open(const RecordBatchView& batch, size_t max_bytes) {
  const BatchHeader& h = batch.header();
  if (h.compression() == Compression::kNone) return BatchRecords(h, batch.records_bytes(), {});
  auto plain = decompress(h.compression(), batch.records_bytes(), max_bytes);
  if (!plain) {
    return plain.error().with_context("batch at offset " + h.base_offset.to_string());
  }
  if (plain->empty()) {
    return Status::invalid_argument(std::string(compression_name(h.compression())) +
                                    " records of the batch at offset " + h.base_offset.to_string() +
                                    " decompress to nothing");
  }
  return BatchRecords(h, {}, std::move(*plain));
}

RecordReader BatchRecords::reader() const { return RecordReader(header_, bytes()); }

RecordReader::RecordReader(const RecordBatchView& batch)
    : header_(batch.header()),
      reader_(batch.records_bytes()),
      records_start_(batch::kHeaderSize),
      compressed_(batch.header().compression() != Compression::kNone) {}

RecordReader::RecordReader(const BatchHeader& header, Bytes records)
    : header_(header), reader_(records), records_start_(0) {}

bool RecordReader::fail(std::string what) {
  status_ = Status::corruption("record " + std::to_string(read_) + ": " + what +
                               at(records_start_ + reader_.position()));
  return false;
}

namespace {

// Reads a varint length that may be -1 (null) and the bytes it announces.
bool read_nullable(ByteReader& r, std::optional<Bytes>& out) {
  int32_t len = 0;
  if (!r.read_varint(len) || len < -1) return false;
  if (len == -1) {
    out.reset();
    return true;
  }
  Bytes b;
  if (!r.read_bytes(static_cast<size_t>(len), b)) return false;
  out = b;
  return true;
}

}  // namespace

bool RecordReader::next(RecordView& out) {
  if (!status_.is_ok()) return false;
  if (compressed_) {
    status_ = Status::invalid_argument("the batch is compressed (" +
                                       std::string(compression_name(header_.compression())) +
                                       "): its records must be decompressed first");
    return false;
  }
  if (read_ == header_.record_count) {
    if (!reader_.at_end()) return fail("trailing bytes after the last record");
    return false;
  }
  const size_t record_start = reader_.position();
  int32_t length = 0;
  if (!reader_.read_varint(length)) return fail("bad length varint");
  if (length < static_cast<int32_t>(batch::kMinRecordSize) - 1 ||
      static_cast<size_t>(length) > reader_.remaining()) {
    return fail("length " + std::to_string(length) + " out of bounds");
  }
  Bytes body;
  (void)reader_.read_bytes(static_cast<size_t>(length), body);
  ByteReader r(body);
  uint8_t attributes = 0;
  int64_t ts_delta = 0;
  int32_t offset_delta = 0;
  if (!r.read(attributes) || !r.read_varlong(ts_delta) || !r.read_varint(offset_delta)) {
    return fail("truncated record header");
  }
  if (offset_delta < 0) return fail("negative offset delta");
  if (!read_nullable(r, out.key)) return fail("bad key length");
  if (!read_nullable(r, out.value)) return fail("bad value length");
  int32_t header_count = 0;
  if (!r.read_varint(header_count) || header_count < 0 ||
      static_cast<size_t>(header_count) > r.remaining() / 2) {
    return fail("bad header count");
  }
  size_t headers_start = r.position();
  for (int32_t i = 0; i < header_count; ++i) {
    int32_t klen = 0;
    Bytes key;
    std::optional<Bytes> value;
    if (!r.read_varint(klen) || klen < 0 || !r.read_bytes(static_cast<size_t>(klen), key) ||
        !read_nullable(r, value)) {
      return fail("bad header " + std::to_string(i));
    }
  }
  if (!r.at_end()) return fail("record length does not match its fields");
  int64_t ts = 0;
  int64_t offset = 0;
  if (__builtin_add_overflow(header_.first_timestamp, ts_delta, &ts)) {
    return fail("timestamp overflows");
  }
  if (__builtin_add_overflow(header_.base_offset.value(), int64_t{offset_delta}, &offset)) {
    return fail("offset overflows");
  }
  out.attributes = attributes;
  out.offset = Offset(offset);
  out.timestamp = timestamp_from_millis(ts);
  out.header_count = header_count;
  out.headers_bytes = body.subspan(headers_start, r.position() - headers_start);
  out.encoded = reader_.data().subspan(record_start, reader_.position() - record_start);
  ++read_;
  return true;
}

std::optional<RecordBatchView> BatchIterator::next() {
  if (!status_.is_ok() || position_ == bytes_.size()) return std::nullopt;
  auto batch = RecordBatchView::parse(rest(), verify_);
  if (!batch) {
    status_ = batch.error().with_context("batch at byte " + std::to_string(position_));
    return std::nullopt;
  }
  position_ += batch->bytes().size();
  return *batch;
}

void assign_offsets(MutableBytes batch, Offset base_offset, int32_t leader_epoch) {
  store_le<int64_t>(batch.data() + batch::kBaseOffsetAt, base_offset.value());
  store_le<int32_t>(batch.data() + batch::kLeaderEpochAt, leader_epoch);
  store_le<uint32_t>(batch.data() + batch::kHeaderChecksumAt, header_checksum(batch));
}

}  // namespace cairn::protocol
