#pragma once

// Segment: one file of a partition's log (`<base offset>.log`) with its sparse offset index, time
// index and aborted transactions index (`.index`, `.timeindex`, `.txnindex`), all named by the
// base offset (FORMAT.md).
//
// Owned by its PartitionLog through shared_ptr (a sealing task may hold it a little longer) and
// used only on the partition's core. Invariant: the first size_bytes() bytes of the .log are
// whole, valid batches whose offsets run from base_offset() to next_offset() - 1 without gaps,
// all of them acknowledged appends; the in-memory indexes cover all of them. Bytes past
// size_bytes() are zeros the log preallocated for its next appends, up to allocated_bytes()
// (FORMAT.md, "Preallocation"), or belong to a write still in flight (or a failed one being cut
// off). Index files on
// disk are complete only once the segment is sealed (written by write_indexes()); recovery
// rebuilds them otherwise.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/types.h"
#include "storage/aborted_txn_index.h"
#include "storage/file_position.h"
#include "storage/io/io_backend.h"
#include "storage/offset_index.h"
#include "storage/time_index.h"

namespace cairn::storage {

// "00000000000000001234" + suffix.
std::string segment_file_name(Offset base_offset, std::string_view suffix);
// Parses a segment file name back to its base offset; nullopt for any other name.
std::optional<Offset> parse_segment_file_name(std::string_view name, std::string_view suffix);
// The offsets named by the files in `dir` that end with `suffix`, ascending.
Result<std::vector<Offset>> list_offset_files(IoBackend& io, const std::filesystem::path& dir,
                                              std::string_view suffix);

// Where a batch starts and what its header says.
struct BatchLocation {
  FilePosition position;
  protocol::BatchHeader header;
};

// A run of whole batches in one file, ready to send as they are (pread or sendfile).
struct LogSlice {
  std::shared_ptr<File> file;
  FilePosition position;
  uint32_t size_bytes = 0;
  Offset first_offset;  // base offset of the first batch
  Offset next_offset;   // one past the last offset of the last batch
};

class Segment {
 public:
  // Creates the segment's empty .log file. The caller syncs the directory.
  static Result<std::shared_ptr<Segment>> create(IoBackend& io, const std::filesystem::path& dir,
                                                 Offset base_offset, uint32_t index_interval);
  // Opens an existing .log; its state is empty until load_indexes() or rebuild() fills it.
  static Result<std::shared_ptr<Segment>> open(IoBackend& io, const std::filesystem::path& dir,
                                               Offset base_offset, uint32_t index_interval);

  Offset base_offset() const { return base_offset_; }
  Offset next_offset() const { return next_offset_; }
  uint64_t size_bytes() const { return size_bytes_; }
  // Where the zeros preallocated past size_bytes() end (size_bytes() when there are none).
  uint64_t allocated_bytes() const { return std::max(allocated_bytes_, size_bytes_); }
  // Records that the bytes up to `end` past size_bytes() were written as zeros (and synced with
  // the write that wrote them).
  void set_allocated_bytes(uint64_t end) { allocated_bytes_ = end; }
  // Cuts the preallocated zeros off the .log (before it is sealed or closed); not synced: the
  // segment's next sync makes the cut durable. Nothing when there are none.
  Status release_preallocated(IoBackend& io);
  bool empty() const { return size_bytes_ == 0; }
  // The largest batch max timestamp, or nullopt when the segment is empty.
  std::optional<Timestamp> max_timestamp() const;
  // When the first batch of this segment was appended or, for a recovered one, its timestamp.
  std::optional<Timestamp> first_append_time() const { return first_append_time_; }
  // The leader epoch of the last batch, or -1 when the segment is empty.
  int32_t last_leader_epoch() const { return last_leader_epoch_; }
  const std::shared_ptr<File>& log() const { return log_; }
  const std::filesystem::path& log_path() const { return log_->path(); }
  std::filesystem::path offset_index_path() const;
  std::filesystem::path time_index_path() const;
  const OffsetIndex& offset_index() const { return offset_index_; }
  const TimeIndex& time_index() const { return time_index_; }
  std::filesystem::path txn_index_path() const;
  // The aborted transactions whose abort marker lies in this segment.
  const AbortedTxnIndex& txn_index() const { return txn_index_; }
  // Records the abort marker of a batch just appended (on_append() came first).
  void add_aborted_txn(const AbortedTxn& txn) { txn_index_.append(txn); }
  // Whether the aborted transactions index must be rebuilt from the log: the segment was
  // scanned by rebuild() (its file may describe bytes it no longer has) or its file was
  // missing or damaged. Cleared by clear_txn_index().
  bool txn_index_stale() const { return txn_index_stale_; }
  // Empties the aborted transactions index, for a rebuild.
  void clear_txn_index() {
    txn_index_ = AbortedTxnIndex(base_offset_);
    txn_index_stale_ = false;
  }

  // Records a batch just written at the end of the log (position == size_bytes()).
  void on_append(const protocol::BatchHeader& header, FilePosition position, Timestamp now);

  // What a verified scan of the whole .log found.
  struct ScanResult {
    uint64_t valid_bytes = 0;  // whole, valid, continuous batches from the start
    Status stop_reason;        // why the scan stopped before the end of the file, OK otherwise
    int32_t last_leader_epoch = -1;
    uint64_t zero_tail_bytes = 0;  // preallocated zeros after the valid bytes, to the end
  };
  // Rebuilds size, next offset and both indexes by reading and verifying every batch. Stops at
  // the first batch that fails a check, does not continue the offsets or lowers the leader
  // epoch. `min_leader_epoch` is the last epoch of the segment before.
  Result<ScanResult> rebuild(int32_t min_leader_epoch);

  // Loads the .index and .timeindex files of a sealed segment whose log ends at `next_offset`
  // and checks them against the log (bounds, order, the batches after the last entry).
  // kCorruption when they are missing, short or wrong: the caller then calls rebuild(). The
  // .txnindex is loaded too; when it is missing or damaged the segment is marked
  // txn_index_stale() instead.
  Status load_indexes(IoBackend& io, Offset next_offset);

  // The batch that holds `target`. kOutOfRange when no batch of this segment holds it.
  Result<BatchLocation> find_batch(Offset target) const;
  // Whole batches from the one holding `from`, up to about `max_bytes`: the slice ends at the
  // last index entry that fits, or at the end of the segment, and holds at least the first
  // batch, so a reader always makes progress.
  Result<LogSlice> read(Offset from, uint32_t max_bytes) const;
  // The first offset in this segment with a record timestamp >= `timestamp`, or nullopt.
  Result<std::optional<Offset>> find_offset_for_timestamp(Timestamp timestamp) const;

  // A sealed segment's three index files, encoded, ready to be written.
  struct IndexFiles {
    std::filesystem::path offset_index;
    std::vector<std::byte> offset_index_bytes;
    std::filesystem::path time_index;
    std::vector<std::byte> time_index_bytes;
    std::filesystem::path txn_index;
    std::vector<std::byte> txn_index_bytes;
  };
  // Seals the indexes (adds the final time index entry; again is harmless) and encodes them.
  IndexFiles seal_indexes();
  // Writes the files, syncs them and their directory. Touches no Segment, so it may run in
  // IoBackend::async_run().
  static Status write_index_files(IoBackend& io, const IndexFiles& files);
  // seal_indexes(), then write_index_files().
  Status write_indexes(IoBackend& io) { return write_index_files(io, seal_indexes()); }
  // Writes the .txnindex file alone and syncs it and its directory (a rebuilt index of a sealed
  // segment).
  Status write_txn_index(IoBackend& io);
  // Cuts the .log file back to size_bytes() and syncs it: drops a torn tail found by recovery
  // or the bytes of a failed append.
  Status drop_invalid_tail(IoBackend& io);
  // Deletes the segment's files (missing index files are fine).
  Status remove_files(IoBackend& io);

 private:
  Segment(std::shared_ptr<File> log, Offset base_offset, uint32_t index_interval);
  void reset_state();
  Result<BatchLocation> scan_to(Offset target, FilePosition from) const;

  std::shared_ptr<File> log_;
  Offset base_offset_;
  uint32_t index_interval_;
  Offset next_offset_;
  uint64_t size_bytes_ = 0;
  uint64_t allocated_bytes_ = 0;
  Timestamp max_timestamp_ = Timestamp::min();
  int32_t last_leader_epoch_ = -1;
  std::optional<Timestamp> first_append_time_;
  std::optional<FilePosition> last_indexed_position_;
  OffsetIndex offset_index_;
  TimeIndex time_index_;
  AbortedTxnIndex txn_index_;
  bool txn_index_stale_ = false;
};

}  // namespace cairn::storage
