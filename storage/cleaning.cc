// Compaction passes of a PartitionLog (FORMAT.md, "Compaction"): which segments a pass takes,
// its slices off the core's thread, and swapping the cleaned segments in.
#include <spdlog/spdlog.h>

#include <algorithm>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "protocol/wire_format.h"
#include "storage/partition_log.h"

namespace cairn::storage {

std::vector<std::shared_ptr<Segment>> PartitionLog::cleanable_segments() const {
  std::vector<std::shared_ptr<Segment>> out;
  Timestamp lag_horizon = config_.clock() - config_.compaction.min_lag;
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    const auto& seg = segments_[i];
    if (seg->next_offset() > recovery_point_) break;  // not sealed and indexed yet
    if (std::find(sealing_.begin(), sealing_.end(), seg) != sealing_.end()) break;
    if (std::find(unindexed_.begin(), unindexed_.end(), seg) != unindexed_.end()) break;
    auto newest = seg->max_timestamp();
    if (newest && *newest > lag_horizon) break;  // holds records younger than the lag
    out.push_back(seg);
  }
  return out;
}

double PartitionLog::dirty_ratio() const {
  uint64_t clean = 0, dirty = 0;
  for (size_t i = 0; i + 1 < segments_.size(); ++i) {
    const auto& seg = segments_[i];
    if (seg->next_offset() > recovery_point_) break;
    (seg->next_offset() <= cleaner_checkpoint_ ? clean : dirty) += seg->size_bytes();
  }
  return clean + dirty == 0 ? 0.0 : static_cast<double>(dirty) / static_cast<double>(clean + dirty);
}

bool PartitionLog::wants_compaction() const {
  if (compaction_) return true;
  if (!config_.cleanup.compact || closing_ || closed_) return false;
  auto segments = cleanable_segments();
  bool dirty = std::any_of(segments.begin(), segments.end(), [this](const auto& seg) {
    return seg->next_offset() > cleaner_checkpoint_;
  });
  return dirty && dirty_ratio() >= config_.compaction.min_dirty_ratio;
}

void PartitionLog::compact_slice(uint64_t budget_bytes,
                                 std::function<void(Result<CompactionProgress>)> done) {
  auto answer_later = [this](std::function<void(Result<CompactionProgress>)> done,
                             Result<CompactionProgress> result) {
    boost::asio::post(io_.context(), [done = std::move(done), result = std::move(result)] {
      done(std::move(result));
    });
  };
  if (compaction_step_running_ || closing_ || closed_) {
    return answer_later(std::move(done),
                        Status::unavailable("no compaction slice can start now"));
  }
  if (!compaction_) {
    CompactionJob::Options options;
    options.dir = dir_;
    options.segments = cleanable_segments();
    options.rules.tombstone_horizon = config_.clock() - config_.compaction.delete_retention;
    options.rules.max_decompressed_bytes =
        protocol::batch::max_decompressed_bytes(config_.max_batch_bytes);
    options.index_interval = config_.index_interval_bytes;
    if (options.segments.empty()) {
      return answer_later(std::move(done), CompactionProgress{0, true, {}});
    }
    compaction_ = std::make_shared<CompactionJob>(std::move(options));
  }
  compaction_step_running_ = true;
  ++background_;
  auto job = compaction_;
  auto read_before = std::make_shared<uint64_t>(job->stats().bytes_read);
  auto finished = std::make_shared<bool>(false);
  io_.async_run(
      [&io = io_, job, budget_bytes, finished]() -> Status {
        auto r = job->step(io, budget_bytes);
        if (!r) return r.error();
        *finished = *r;
        return Status::ok();
      },
      [this, alive = std::weak_ptr<bool>(alive_), job, read_before, finished,
       done = std::move(done)](Status s) {
        if (alive.expired()) return done(Status::unavailable("partition closed"));
        --background_;
        compaction_step_running_ = false;
        if (!s.is_ok()) {
          // The pass is abandoned; its .cleaned files are deleted by the next open, and the
          // segments stay as they were unless the swap had passed its commit point (then the
          // next open completes it).
          spdlog::warn("{}: compaction pass failed: {}", dir_.string(), s.to_string());
          compaction_.reset();
          maybe_finish_flush();
          return done(s);
        }
        CompactionProgress progress{job->stats().bytes_read - *read_before, *finished, {}};
        if (*finished) {
          finish_compaction(*job);
          progress.stats = job->stats();
          compaction_.reset();
        }
        maybe_finish_flush();
        done(progress);
      });
}

void PartitionLog::finish_compaction(const CompactionJob& job) {
  for (const auto& fresh : job.replacements()) {
    auto it = std::find_if(segments_.begin(), segments_.end(), [&](const auto& seg) {
      return seg->base_offset() == fresh->base_offset();
    });
    // Retention waits for the pass, so the segment is still there, and its range is unchanged.
    if (it == segments_.end() || (*it)->next_offset() != fresh->next_offset()) {
      spdlog::error("{}: a compacted segment {} no longer matches the log; reopen to recover",
                    dir_.string(), fresh->base_offset().value());
      continue;
    }
    *it = fresh;
  }
  cleaner_checkpoint_ = job.clean_until();
  const auto& st = job.stats();
  spdlog::info("{}: compacted {} segments up to offset {}: {} -> {} bytes, {} records dropped",
               dir_.string(), st.segments_rewritten, cleaner_checkpoint_.value(), st.bytes_before,
               st.bytes_after, st.records_dropped);
}

}  // namespace cairn::storage
