#pragma once

// CompactionJob: one compaction pass over a partition's cleanable segments (FORMAT.md,
// "Compaction"), done in slices of bounded work so that it never holds a thread for long.
//
// Created by its PartitionLog on the core's thread with the segments to clean (sealed ones,
// whose files no one writes any more); each step() then runs off the core's thread, in
// IoBackend::async_run, and touches only the job's own state, those files and the backend's
// synchronous methods. The pass: (1) map: read every batch of the segments and note the newest
// offset of each key; (2) write: rewrite each segment into `<base>.log.cleaned` keeping the
// newest record of each key, and sync it (a segment that loses nothing is left alone); (3) swap:
// write the `cleaner-swap` file naming the cleaned segments (the commit point), replace each
// `.log` by its `.cleaned` file, record the cleaner checkpoint, delete `cleaner-swap`; (4) open
// the new segments and write their index files. A crash at any point leaves, after
// finish_interrupted_swap(), either every old segment or every new one.

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/compaction.h"
#include "storage/io/io_backend.h"
#include "storage/segment.h"

namespace cairn::storage {

struct CompactionStats {
  uint64_t bytes_read = 0;     // both passes over the segments
  uint64_t bytes_before = 0;   // of the segments cleaned
  uint64_t bytes_after = 0;
  uint64_t records_dropped = 0;
  size_t segments_rewritten = 0;
};

class CompactionJob {
 public:
  struct Options {
    std::filesystem::path dir;
    // The segments to clean, in offset order, contiguous; none of them is written any more.
    std::vector<std::shared_ptr<Segment>> segments;
    CompactionRules rules;
    uint32_t index_interval = 4096;
  };
  explicit CompactionJob(Options options);

  // Does about `budget_bytes` of reading (at least one batch, or one step of the swap) and
  // returns whether the pass is finished. Off the core's thread; one step at a time.
  Result<bool> step(IoBackend& io, uint64_t budget_bytes);

  bool finished() const { return phase_ == Phase::kDone; }
  // Once finished: the new segments, each replacing the old one with its base offset.
  const std::vector<std::shared_ptr<Segment>>& replacements() const { return replacements_; }
  // The offset up to which the log is now clean: the end of the last segment cleaned.
  Offset clean_until() const;
  const std::vector<std::shared_ptr<Segment>>& segments() const { return options_.segments; }
  const CompactionStats& stats() const { return stats_; }

 private:
  enum class Phase { kMap, kWrite, kSwap, kOpen, kDone };
  Status map_step(uint64_t budget_bytes);
  Status write_step(IoBackend& io, uint64_t budget_bytes);
  Status swap(IoBackend& io);
  Status open_new(IoBackend& io);

  Options options_;
  Phase phase_ = Phase::kMap;
  size_t segment_ = 0;           // the segment being read
  uint64_t position_ = 0;        // where in it
  KeyOffsetMap map_;
  std::shared_ptr<File> out_;    // the .cleaned file being written
  uint64_t out_size_ = 0;
  int64_t dropped_here_ = 0;     // records dropped from the segment being written
  std::vector<Offset> cleaned_;  // bases of the segments with a synced .cleaned file
  std::vector<std::shared_ptr<Segment>> replacements_;
  CompactionStats stats_;
};

// Recovery's first step: completes a swap that a crash interrupted after its commit point
// (`cleaner-swap` is whole: every `.cleaned` file it names still present replaces its `.log`,
// whose index files are deleted), then deletes `cleaner-swap` and every other `.cleaned` file
// (a pass cut short before its commit point, or already done).
Status finish_interrupted_swap(IoBackend& io, const std::filesystem::path& dir);

// The cleaner checkpoint: below it the log was compacted by the last pass. Offset 0 when the
// file is missing or damaged (logged).
Offset read_cleaner_checkpoint(IoBackend& io, const std::filesystem::path& dir);
Status write_cleaner_checkpoint(IoBackend& io, const std::filesystem::path& dir, Offset offset);

}  // namespace cairn::storage
