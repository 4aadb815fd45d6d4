#pragma once

// LeaderEpochCache: which leader epoch wrote which offsets of one partition, as a list of
// (epoch, start offset) entries, and its file `leader-epoch-checkpoint` (FORMAT.md, "Leader
// epochs").
//
// A value owned by its PartitionLog, used on the partition's core. Invariant: epochs and start
// offsets both increase strictly from entry to entry; the entry of epoch E covers the offsets
// from its start offset to the next entry's start offset (or the log end for the last one). A
// replica that was leader asks the new leader where its last epoch ended (end_offset_for()) and
// cuts its log there: the offsets past that point were written by a leader the others never
// followed.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

struct EpochEntry {
  int32_t epoch = 0;
  Offset start_offset;
  friend bool operator==(const EpochEntry&, const EpochEntry&) = default;
};

// The answer to "where did epoch E end": the largest epoch <= E this log knows and the offset
// one past its last record (the next epoch's start, or the log end). kUnknownEpoch for both
// when E is newer than every epoch of the log, or the log has none.
struct EpochEnd {
  static constexpr int32_t kUnknownEpoch = -1;
  int32_t epoch = kUnknownEpoch;
  Offset end_offset = Offset(-1);
  friend bool operator==(const EpochEnd&, const EpochEnd&) = default;
};

class LeaderEpochCache {
 public:
  LeaderEpochCache() = default;

  // Records that `epoch` starts at `start_offset`. The same epoch again changes nothing; a
  // newer one replaces every entry that starts at or past `start_offset` (epochs that wrote
  // nothing). kInvalidArgument for an epoch older than the latest (epochs never decrease).
  // Returns whether the entries changed.
  Result<bool> assign(int32_t epoch, Offset start_offset);
  // Drops the entries that start at or past `end_offset` (the log was cut there). Returns
  // whether any went.
  bool truncate_from(Offset end_offset);
  // Drops the entries that start past `log_end`: left by a crash between writing the file and
  // writing the first batch of an epoch. An epoch that starts exactly at the log end stays.
  bool drop_past(Offset log_end);

  EpochEnd end_offset_for(int32_t epoch, Offset log_end) const;
  std::optional<int32_t> latest_epoch() const;
  const std::vector<EpochEntry>& entries() const { return entries_; }

  // The file's bytes (FORMAT.md, "Leader epochs").
  std::vector<std::byte> encode() const;
  // kCorruption when the bytes are not a whole, valid file.
  static Result<LeaderEpochCache> decode(std::span<const std::byte> bytes);

 private:
  std::vector<EpochEntry> entries_;
};

// Reads `<dir>/leader-epoch-checkpoint`: kNotFound when missing, kCorruption when damaged.
Result<LeaderEpochCache> read_leader_epoch_checkpoint(IoBackend& io,
                                                      const std::filesystem::path& dir);
// Replaces `<dir>/leader-epoch-checkpoint` atomically.
Status write_leader_epoch_checkpoint(IoBackend& io, const std::filesystem::path& dir,
                                     const LeaderEpochCache& cache);

}  // namespace cairn::storage
