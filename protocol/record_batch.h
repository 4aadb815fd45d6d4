#pragma once

// The record batch: the unit that producers send, the broker stores and consumers fetch.
// PROTOCOL.md ("Record batch") gives the layout byte by byte.
//
// RecordBatchView is a zero-copy view over the bytes of one batch; it never owns them, so the
// bytes must outlive it. RecordReader walks the records of a view, checking every length before
// touching the bytes it covers.

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/byte_io.h"
#include "protocol/compression.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "protocol/wire_format.h"

namespace cairn::protocol {

struct BatchHeader {
  Offset base_offset;
  uint32_t batch_length = 0;
  int32_t leader_epoch = 0;
  uint32_t header_checksum = 0;
  uint64_t checksum = 0;
  uint8_t magic = 0;
  uint16_t attributes = 0;
  int32_t last_offset_delta = 0;
  int64_t first_timestamp = 0;
  int64_t max_timestamp = 0;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  int32_t base_sequence = -1;
  int32_t record_count = 0;

  Compression compression() const;
  bool is_transactional() const;
  bool is_control() const;
  Offset last_offset() const { return base_offset + last_offset_delta; }
  Offset next_offset() const { return base_offset + (int64_t{last_offset_delta} + 1); }
};

// Decodes the fixed header at the front of `bytes`. Checks only that a whole header is there.
Result<BatchHeader> decode_batch_header(Bytes bytes);

// Reads the batch length field. Requires bytes.size() >= kBatchLengthAt + 4.
uint32_t peek_batch_length(Bytes bytes);

uint64_t batch_checksum(Bytes batch);   // over [kChecksumFrom, end)
uint32_t header_checksum(Bytes batch);  // over [0, kHeaderChecksumCovers)

// Which checks parse() makes.
enum class Verify {
  // A batch as a producer sent it: the broker-written fields (base offset, leader epoch,
  // header checksum) are not yet meaningful and are not checked.
  kProduced,
  // A batch as stored or fetched: every field is checked, the header checksum included.
  kStored,
  // Only the batch's extent: a whole header whose length field lies within [header size, the
  // bytes available]. For splitting batches sent back to back before any is checked; errors
  // are kInvalidArgument, as for kProduced. The view's other fields are unchecked.
  kFramingOnly,
  // A transaction marker the broker built (a control batch): checked as kProduced, but the
  // control bit, which a producer may not set, is allowed, and no sequence is required.
  kMarker,
};

class RecordBatchView {
 public:
  // Parses the batch at the front of `bytes` (which may hold more after it). Checks that the
  // length is within [header size, bytes.size()], the magic, the attributes, the checksum, the
  // structure (PROTOCOL.md, "Integrity") and, for Verify::kStored, the header checksum. Does
  // not walk the records (nor decompress them): validate_records does. A stored batch may have
  // offset gaps (a compacted one: last offset delta >= record count - 1); a produced one not.
  // Errors: kCorruption for a checksum that does not match. Any other broken rule is
  // kCorruption in a stored batch (it was damaged) and kInvalidArgument in a produced one (it
  // was built that way), which also may not ask for log-append time, transactions or control.
  static Result<RecordBatchView> parse(Bytes bytes, Verify verify);

  const BatchHeader& header() const { return header_; }
  Bytes bytes() const { return bytes_; }
  Bytes records_bytes() const;

  // Walks every record (decompressing a compressed batch into at most
  // `max_decompressed_bytes`) and checks the header against them: record_count records, offset
  // deltas 0..count-1 in order (for a stored batch: increasing, at most last_offset_delta),
  // every timestamp <= max_timestamp and the first one = first_timestamp, record attributes 0,
  // no bytes left over. Errors are kInvalidArgument: the checksum has already matched, so
  // whatever is wrong was built that way (or, compressed, is too big to take).
  Status validate_records(
      size_t max_decompressed_bytes = batch::kDefaultMaxDecompressedBytes) const;

 private:
  RecordBatchView(Bytes bytes, BatchHeader header, Verify verify)
      : bytes_(bytes), header_(header), verify_(verify) {}

  Bytes bytes_;
  BatchHeader header_;
  Verify verify_;
};

class RecordReader;

// The plain (decompressed) records of one batch: a view of the batch's own bytes when it is not
// compressed, a buffer it owns otherwise. The batch's bytes must outlive it; it must outlive the
// readers it makes. Movable.
class BatchRecords {
 public:
  // Decompresses a compressed batch's records into at most `max_bytes` bytes. kInvalidArgument
  // for data that is malformed or too big (naming the codec and the limit).
  static Result<BatchRecords> open(const RecordBatchView& batch,
                                   size_t max_bytes = batch::kDefaultMaxDecompressedBytes);

  const BatchHeader& header() const { return header_; }
  Bytes bytes() const { return buffer_.empty() ? view_ : Bytes(buffer_); }
  RecordReader reader() const;

 private:
  BatchRecords(BatchHeader header, Bytes view, std::vector<std::byte> buffer)
      : header_(header), view_(view), buffer_(std::move(buffer)) {}

  BatchHeader header_;
  Bytes view_;
  std::vector<std::byte> buffer_;
};

// Walks batches stored back to back (a fetched partition's records, a segment's bytes), parsing
// each with `verify`. The bytes must outlive the iterator and the views it returns.
//
//   BatchIterator batches(bytes, Verify::kStored);
//   while (auto batch = batches.next()) { ... }
//   if (!batches.status().is_ok()) { /* a bad batch at batches.position() */ }
class BatchIterator {
 public:
  BatchIterator(Bytes bytes, Verify verify) : bytes_(bytes), verify_(verify) {}

  // The next batch; nullopt at the end of the bytes or at a batch that fails to parse, and
  // status() then tells which (OK at a clean end). After a failure it stays failed.
  std::optional<RecordBatchView> next();
  const Status& status() const { return status_; }
  // Where the next batch starts (after a failure: where the bad one starts).
  size_t position() const { return position_; }
  // The bytes from position() on.
  Bytes rest() const { return bytes_.subspan(position_); }

 private:
  Bytes bytes_;
  Verify verify_;
  size_t position_ = 0;
  Status status_;
};

struct HeaderView {
  std::string_view key;
  std::optional<Bytes> value;
};

struct RecordView {
  uint8_t attributes = 0;  // unused; producers must send 0
  Offset offset;
  Timestamp timestamp;
  std::optional<Bytes> key;
  std::optional<Bytes> value;
  int32_t header_count = 0;
  Bytes headers_bytes;  // the encoded headers, already bounds-checked by RecordReader
  Bytes encoded;        // the whole record as encoded, its length field included

  std::vector<HeaderView> headers() const;
};

class RecordReader {
 public:
  // Reads the records of an uncompressed batch; for a compressed one next() fails at once (use
  // BatchRecords::open(batch).reader()).
  explicit RecordReader(const RecordBatchView& batch);
  // Reads `records`, the plain records of the batch with `header`; both must outlive the reader.
  RecordReader(const BatchHeader& header, Bytes records);

  // Decodes the next record into `out`. Returns false at the end of the batch or at malformed
  // input; status() then tells which (OK at a clean end). Never reads past the batch.
  bool next(RecordView& out);
  const Status& status() const { return status_; }

 private:
  bool fail(std::string what);

  const BatchHeader& header_;
  ByteReader reader_;
  size_t records_start_;  // where the records start, for error positions
  bool compressed_ = false;
  int32_t read_ = 0;
  Status status_;
};

// Writes the broker-owned fields of a stored batch: base offset and leader epoch, then the
// header checksum over them. `batch` must hold at least a whole header.
void assign_offsets(MutableBytes batch, Offset base_offset, int32_t leader_epoch);

}  // namespace cairn::protocol
