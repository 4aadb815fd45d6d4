#pragma once

// Recovery: what PartitionLog::open does to a partition directory before serving it
// (FORMAT.md, "Recovery").
//
// Segments wholly below the recovery point were sealed (log and indexes synced): their index
// files are checked and loaded, and rebuilt from the log if damaged. A last segment holding the
// recovery point must reach it; what follows it there is verified like an unsealed tail.
// Segments from the recovery point on are read and verified batch by batch. A scan stops at the
// first batch whose length, checksums, offsets or leader epoch fail; if nothing valid follows,
// that is a torn tail and it is cut off (logged as a warning with the bytes dropped). If valid
// batches follow, it is corruption in the middle of the log: nothing is truncated and recovery
// fails with kCorruption, leaving the bytes for `cairn log dump`.

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/io/io_backend.h"
#include "storage/segment.h"

namespace cairn::storage {

struct RecoveryReport {
  size_t segments = 0;
  size_t segments_scanned = 0;  // read and verified batch by batch
  size_t indexes_rebuilt = 0;   // sealed segments whose index files were missing or wrong
  uint64_t bytes_truncated = 0;
  uint64_t bytes_scanned = 0;
  // The partition was opened as a clean close left it: nothing scanned, nothing synced.
  bool clean_start = false;
};

// The recovery-point file (FORMAT.md): every segment whose offsets all lie below `offset` is
// sealed, and the first `synced_bytes` bytes of the segment holding `offset` were synced.
struct RecoveryPoint {
  Offset offset;
  std::optional<uint64_t> synced_bytes;  // nullopt in a version 1 file
};

struct RecoveredLog {
  std::vector<std::shared_ptr<Segment>> segments;  // in offset order; may be empty
  RecoveryReport report;
  std::optional<RecoveryPoint> recovery_point;  // as read; nullopt when missing or damaged
};

Result<RecoveredLog> recover_log(IoBackend& io, const std::filesystem::path& dir,
                                 uint32_t index_interval);

// nullopt when the file is missing or damaged (logged): recovery then scans everything.
std::optional<RecoveryPoint> read_recovery_point(IoBackend& io, const std::filesystem::path& dir);
// The contents of a recovery-point file; kCorruption when they are not one.
Result<RecoveryPoint> decode_recovery_point(Bytes bytes);
Status write_recovery_point(IoBackend& io, const std::filesystem::path& dir, Offset offset,
                            uint64_t synced_bytes);

// Whether `point` is the one a clean close records for `active`, the recovered last segment: the
// segment was synced, and its indexes written, up to its last byte, and nothing followed.
bool left_by_clean_close(const std::optional<RecoveryPoint>& point, const Segment& active);

// The first position in [from, end) of `file` where a whole, valid stored batch with a base
// offset of at least `min_base_offset` starts, trying every byte position; nullopt when there
// is none.
Result<std::optional<FilePosition>> find_valid_batch(const File& file, FilePosition from,
                                                     uint64_t end, Offset min_base_offset);
// Where to look for valid data after a bad batch at `at`: past the whole batch when its header
// passes the header checksum (its payload may hold anything, even a stored batch), else the
// next byte.
Result<FilePosition> search_start_after(const File& file, FilePosition at, uint64_t end);

}  // namespace cairn::storage
