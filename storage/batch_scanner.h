#pragma once

// BatchScanner walks the record batches of a segment's .log file in order, reading through a
// buffer so that small batches cost one read per chunk, not per batch.
//
// It checks each batch before handing it out: in kHeaders mode the length (within the file and
// within format limits) and the header checksum, which covers the broker-written fields; in
// kVerify mode also the magic, the attributes and the checksum over the whole batch. It does not
// decide what a bad batch means: recovery, reads and `cairn log dump` each do. One exception: zero
// bytes from a batch boundary to the end of the range are the space a log preallocated for its
// next appends (FORMAT.md, "Preallocation"), a clean end, not a bad batch. Walked like
// protocol::BatchIterator:
//
//   BatchScanner scanner(file, start, end, BatchScanner::Mode::kHeaders);
//   while (auto item = scanner.next()) { ... }
//   if (!scanner.status().is_ok()) { /* bad bytes at scanner.position(), or a read error */ }
//
// Used on one thread; the File must outlive the scanner.

#include <optional>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "storage/file_position.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

class BatchScanner {
 public:
  enum class Mode { kHeaders, kVerify };

  struct Item {
    FilePosition position;
    protocol::BatchHeader header;
    // The whole batch in kVerify mode, the header in kHeaders mode; valid until the next next().
    Bytes bytes;
  };

  // Scans [start, end) of `file`.
  BatchScanner(const File& file, FilePosition start, uint64_t end, Mode mode);

  // The next batch; nullopt at the end of the range or at a failure, and status() then tells
  // which: OK at a clean end (exactly at `end`, or at zero bytes that run to it), kCorruption
  // when the bytes at position() are not a whole valid batch, other codes for read errors. After
  // a failure it stays failed.
  std::optional<Item> next();
  const Status& status() const { return status_; }
  // Where the next batch starts, and after a failure, where the bad bytes start.
  FilePosition position() const { return position_; }
  // At a clean end: how many zero bytes (preallocated space) follow position() to the end.
  uint64_t zero_tail_bytes() const { return zero_tail_bytes_; }

 private:
  Status fill(uint64_t length);  // makes [position_, position_ + length) available in buffer_
  Result<std::optional<Item>> read_next();
  // Whether every byte of [position_, end_) is zero.
  Result<bool> rest_is_zero();

  const File& file_;
  FilePosition position_;
  uint64_t end_;
  Mode mode_;
  std::vector<std::byte> buffer_;
  uint64_t buffer_start_ = 0;
  uint64_t buffer_len_ = 0;
  Status status_;
  uint64_t zero_tail_bytes_ = 0;
};

// Validates the bytes at `bytes` as a stored batch header: length within [header size,
// bytes_available] and the header checksum. Shared by the scanner and the corruption search.
Result<protocol::BatchHeader> check_stored_header(Bytes bytes, uint64_t bytes_available);

}  // namespace cairn::storage
