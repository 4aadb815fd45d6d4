#pragma once

// inspect_log: a read-only walk over a partition directory (or one segment file) for
// `cairn log dump`. It reads every batch, verifies both checksums, the records and the offset
// sequence, checks the index files of the segments recovery would trust them for (sealed ones),
// reads the recovery point and the producer snapshots, and reports all of it to a LogVisitor.
// Unlike recovery it never changes a byte, and after a bad batch it resumes at the next valid
// one, so a damaged log can be examined whole.

#include <filesystem>
#include <optional>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/file_position.h"
#include "storage/io/io_backend.h"
#include "storage/recovery.h"

namespace cairn::storage {

class LogVisitor {
 public:
  virtual ~LogVisitor() = default;
  virtual void on_segment(const std::filesystem::path& log, Offset base_offset,
                          uint64_t size_bytes) = 0;
  // `bytes` is the whole batch; `status` says whether its records and offset sequence hold up.
  virtual void on_batch(FilePosition position, const protocol::BatchHeader& header, Bytes bytes,
                        const Status& status) = 0;
  // Bytes at `at` are not a valid batch; the walk resumes at `resumes_at`, or stops.
  virtual void on_corruption(FilePosition at, const Status& why,
                             std::optional<FilePosition> resumes_at) = 0;
  // An index file of a sealed segment: how many entries it has and whether it agrees with the
  // log. Index files are rebuilt by recovery, so a bad one is a warning, not data loss.
  virtual void on_index(const std::filesystem::path& file, size_t entries,
                        const Status& status) = 0;
  // The segment's index files were not checked: it is not sealed (the active segment, or one
  // the recovery point has not passed), so recovery rebuilds them and never reads the files.
  virtual void on_unsealed_indexes(const std::filesystem::path& /*log*/) {}
  // The recovery-point file (directories only): what it says, nullopt when it is missing or
  // damaged, and whether recovery can use it.
  virtual void on_recovery_point(const std::optional<RecoveryPoint>& /*point*/,
                                 const Status& /*status*/) {}
  // A producer snapshot file (directories only): its offset, how many producers it holds, and
  // whether recovery can use it.
  virtual void on_snapshot(const std::filesystem::path& /*file*/, Offset /*offset*/,
                           size_t /*producers*/, const Status& /*status*/) {}
  // The compaction state (directories only): the cleaner checkpoint (0 without one), how many
  // of the log's batches have offset gaps (compacted) and how many are empty, and whether a
  // swap is under way (`cleaner-swap` or `.log.cleaned` files: the next open finishes it).
  virtual void on_cleaner(Offset /*checkpoint*/, size_t /*gapped_batches*/,
                          size_t /*empty_batches*/, bool /*swap_pending*/) {}
};

struct InspectionSummary {
  size_t segments = 0;
  size_t batches = 0;
  int64_t records = 0;
  size_t gapped_batches = 0;  // compacted: fewer records than offsets (empty ones included)
  size_t empty_batches = 0;
  // Bad batches, broken offset sequences, and a recovery point past the end of the log: what
  // makes recovery refuse the partition.
  size_t corruptions = 0;
  size_t index_problems = 0;     // missing or disagreeing index files of sealed segments
  size_t metadata_problems = 0;  // a damaged recovery point or producer snapshot (recovery copes)
  std::optional<Offset> first_offset;
  std::optional<Offset> next_offset;
};

// `path` is a partition directory or a single segment .log file. kNotFound when it does not
// exist.
Result<InspectionSummary> inspect_log(IoBackend& io, const std::filesystem::path& path,
                                      LogVisitor& visitor);

}  // namespace cairn::storage
