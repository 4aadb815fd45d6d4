#pragma once

// PartitionLog: one partition's append-only log, a directory of segments (FORMAT.md).
//
// Lives on one core: every method, and every callback it makes, runs on the thread of its
// IoBackend's io_context. It owns its segments. Appends are validated, queued and written in
// groups, one group in flight at a time: a group takes every append queued when the previous
// one finished, gets its offsets, and goes to the backend as one write (plus one fdatasync under
// DurabilityPolicy::always), so concurrent appends share a sync (group commit). An append is
// acknowledged, and becomes visible to readers (the high watermark moves), only when its group
// is written and synced as the policy requires; a failed group leaves no byte behind.
//
// Idempotent producers: a batch with a producer id is checked against the partition's
// ProducerState when its group is formed: a retry of a stored batch completes with the stored
// offsets (duplicate) and is not written again; a gap, or a producer the partition does not know
// that does not start at sequence 0, fails with kOutOfOrder; an older epoch with kFenced. A
// producer id the owner's filter says was never issued fails with kInvalidArgument.
//
// Failures: a write that fails (ENOSPC, EIO) fails its group and the bytes are cut off; the
// partition keeps taking appends. A failed fdatasync is never retried: the partition refuses
// every later append until it is reopened, and write_status() says why.
//
// Replication (replication.cc): a follower appends the leader's stored batches as they are, at
// the leader's offsets (append_replica()); a leader stamps its epoch on what it appends; every
// epoch's first offset is recorded in the leader epoch checkpoint (FORMAT.md, "Leader epochs"),
// truncate_to() cuts a divergent tail off and restart_at() empties a log that ended below its
// leader's log start, both crash-safely.
//
// The class is defined in eight files: partition_log.cc (append, group commit, flush), opening.cc
// (open), reading.cc (reads and the timestamp lookup), closing.cc (the clean close, and closing
// many logs at once), sealing.cc (syncing, rolling, sealing and the recovery point),
// retention.cc, cleaning.cc (compaction passes) and replication.cc.

#include <algorithm>
#include <chrono>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/compaction_job.h"
#include "storage/flush_observer.h"
#include "storage/io/io_backend.h"
#include "storage/leader_epoch_cache.h"
#include "storage/partition_config.h"
#include "storage/producer_state.h"
#include "storage/recovery.h"
#include "storage/segment.h"
#include "storage/txn_markers.h"

namespace cairn::storage {

struct AppendResult {
  Offset base_offset;
  Offset last_offset;
  bool durable = false;    // synced to disk before this acknowledgement
  bool duplicate = false;  // an idempotent producer's retry of a batch already stored there
};

class PartitionLog {
 public:
  using AppendCallback = std::function<void(Result<AppendResult>)>;
  using SyncCallback = std::function<void(Status)>;

  // Opens (creating if needed) and recovers the partition in `dir`. kCorruption when the log is
  // damaged in the middle (see recovery.h): the partition must then stay offline.
  static Result<std::unique_ptr<PartitionLog>> open(IoBackend& io, std::filesystem::path dir,
                                                    PartitionConfig config);
  // Appends still in flight complete with kUnavailable; call flush() then close() first for a
  // clean stop.
  ~PartitionLog();  // NOLINT(bugprone-exception-escape): see the definition
  PartitionLog(const PartitionLog&) = delete;
  PartitionLog& operator=(const PartitionLog&) = delete;

  // Validates a batch as a producer sent it and appends it. The log writes the base offset,
  // leader epoch and header checksum into `batch`, which must stay valid and unchanged until
  // `done` runs (the callback may own it). `done` always runs later, on the core's thread.
  void append(std::span<std::byte> batch, AppendCallback done);
  // Appends a transaction marker the coordinator built (a control batch, which append()
  // refuses): checked as a produced batch, its producer's sequence left alone. Same lifetime
  // rules as append().
  void append_marker(std::span<std::byte> batch, AppendCallback done);

  // Appends one batch as the leader stored it (a replica's copy): the bytes are written as they
  // are, base offset and leader epoch included, so the copy is byte for byte the leader's. The
  // batch must pass every stored-batch check, start exactly at the log end when its turn comes
  // (else kOutOfOrder) and carry an epoch no older than the latest (else kInvalidArgument); a
  // newer epoch is recorded in the checkpoint before the batch is written. Idempotent producers'
  // state is recorded as for any append, never judged. Same lifetime rules as append().
  void append_replica(std::span<std::byte> batch, AppendCallback done);

  // The epoch this log stamps on what it appends as leader.
  int32_t leader_epoch() const { return leader_epoch_; }
  // Makes `epoch` (no older than the latest recorded) the one stamped on later appends and
  // records that it starts at the log end, durably. kUnavailable while appends are queued or
  // being written; kInvalidArgument for an older epoch.
  Status set_leader_epoch(int32_t epoch);
  const LeaderEpochCache& leader_epochs() const { return epochs_; }
  // Where `epoch` ended in this log (LeaderEpochCache::end_offset_for at the log end).
  EpochEnd end_offset_for_epoch(int32_t epoch) const {
    return epochs_.end_offset_for(epoch, high_watermark());
  }
  // Cuts the log back so that it ends at the start of the batch holding `offset` (at `offset`
  // when a batch starts there) and returns the new log end; nothing when `offset` is at or past
  // the log end. Crash-safe: a crash part way leaves a valid prefix of the old log, at least as
  // long as the new one, and truncating again finishes the job. kOutOfRange before the log
  // start, kUnavailable unless idle() and no compaction pass is under way. A failure that
  // leaves the files in doubt fences the partition (write_status()) until it is reopened.
  Result<Offset> truncate_to(Offset offset);
  // Empties the log and restarts it at `start`, past the log end (a follower whose log ends
  // below the leader's log start; Kafka's truncateFullyAndStartAt): every segment, index,
  // producer snapshot and leader epoch below it goes; the log start, log end and high watermark
  // become `start`, the producers' state is empty and no epoch is recorded, so the next replica
  // batch records its own. Crash-safe (FORMAT.md, "Restarting a log at an offset"): a crash part
  // way opens to the old log or a prefix-cut of it (a log start at its end), and restarting again
  // finishes the job. `start` is past the log end, or anywhere but at it when the log holds no
  // batch (a leader's log start inside a batch: the follower restarts at the batch's base), else
  // kInvalidArgument; kUnavailable and the fencing as for truncate_to().
  Status restart_at(Offset start);

  // Whole batches from the one holding `from`, up to about `max_bytes` (at least one batch),
  // within one segment. An empty slice when `from` is the high watermark; kOutOfRange before
  // the log start or past the high watermark.
  Result<LogSlice> read(Offset from, uint32_t max_bytes) const;
  // read(), ending before the batch that holds `end` (a replicated partition's high watermark,
  // which readers other than replicas must not pass): empty when `from` is at or past `end`, or
  // in the batch that holds it.
  Result<LogSlice> read(Offset from, uint32_t max_bytes, Offset end) const;
  // The first offset whose record timestamp is >= `ts`, or nullopt when there is none.
  Result<std::optional<Offset>> offset_for_timestamp(Timestamp ts) const;

  // Runs `done` once every append made before it is written and synced, whatever the policy.
  // A log destroyed first runs it with kUnavailable.
  void flush(SyncCallback done);
  // The first step of a clean stop: from now on append() refuses (kUnavailable), so that the
  // flush that follows covers everything close() will record. Appends already taken complete.
  void begin_close();
  // Syncs and seals the active segment's indexes and records a clean recovery point. kUnavailable
  // (and nothing recorded) unless idle(): begin_close(), then flush(), then close(). No append is
  // taken afterwards.
  Status close();
  // close() for many logs at once, on up to `threads` threads: each close syncs several small
  // files, and syncs issued together are committed together by the file system, where one after
  // another a broker with thousands of partitions takes minutes to stop. For a clean stop only:
  // the caller's core must run nothing else until it returns (the closes run off its thread).
  // One status per log, in order.
  static std::vector<Status> close_all(std::span<PartitionLog* const> logs, size_t threads);
  bool idle() const;

  // Moves the log start up to `offset` (DeleteRecords): reads before it are refused from then on
  // and whole segments below it are deleted. Recorded durably (the `log-start-offset` checkpoint)
  // before it takes effect. Returns the log start after it; a log start already at or past
  // `offset` is unchanged. kOutOfRange past the log end.
  Result<Offset> delete_records_before(Offset offset);
  // Deletes whole segments past the retention limits; never the active one. Returns how many.
  Result<size_t> enforce_retention();
  // Deletes the whole segments that lie entirely below `offset`; never the active one.
  Result<size_t> delete_segments_before(Offset offset);
  // Compaction (FORMAT.md, "Compaction"), for a partition whose cleanup policy holds `compact`.
  // The dirty ratio: the share of the sealed segments' bytes at or past the cleaner checkpoint.
  double dirty_ratio() const;
  // Below this offset the last compaction pass cleaned the log (0 before any).
  Offset cleaner_checkpoint() const { return cleaner_checkpoint_; }
  // Whether the cleaner should work on this partition: a pass is under way, or the policy
  // compacts, some sealed segment is dirty and the dirty ratio is at least the configured one.
  bool wants_compaction() const;
  struct CompactionProgress {
    uint64_t bytes_read = 0;  // by this slice
    bool pass_finished = false;
    CompactionStats stats;  // of the whole pass, once finished
  };
  // Runs one slice of a compaction pass (starting one if none is under way) off the core's
  // thread, reading about `budget_bytes`, then `done` on the core. A finished pass has swapped
  // the cleaned segments in: readers holding slices of the old files keep reading them.
  void compact_slice(uint64_t budget_bytes, std::function<void(Result<CompactionProgress>)> done);

  // Deletes a partition's directory and every file in it.
  static Status remove(IoBackend& io, const std::filesystem::path& dir);

  // Says whether a producer id was issued (by InitProducerId); batches with other ids are
  // refused. Without one every id is taken. Called on the core's thread.
  void set_producer_id_filter(std::function<bool(int64_t producer_id)> issued) {
    producer_id_issued_ = std::move(issued);
  }
  // Hears of syncs, durable appends and failures (flush_observer.h); null for none. It must
  // outlive the log. Called on the core's thread.
  void set_flush_observer(FlushObserver* observer) { observer_ = observer; }
  // Called after the high watermark advances, on the core's thread (wakes long polls).
  void set_append_listener(std::function<void(Offset high_watermark)> listener) {
    listener_ = std::move(listener);
  }

  // The first offset readers may ask for: the oldest segment's base, or a later offset that
  // delete_records_before() recorded.
  Offset log_start_offset() const { return std::max(segments_.front()->base_offset(), log_start_); }
  // One past the last acknowledged offset: what readers may see.
  Offset high_watermark() const { return segments_.back()->next_offset(); }
  // Where read_committed readers stop (PROTOCOL.md, "Isolation"): the first offset of the
  // oldest transaction still open in this partition, else the high watermark.
  Offset last_stable_offset() const { return producers_.last_stable_offset(high_watermark()); }
  // The aborted transactions whose range overlaps [from, to) (PROTOCOL.md, "Isolation"), in
  // marker order, from the segments' aborted transactions indexes without reading the log: from
  // the segment holding `from` on, stopping after the first entry whose last stable offset
  // reaches `to`.
  std::vector<AbortedTxn> aborted_transactions(Offset from, Offset to) const {
    return collect_aborted_txns(segments_, from, to);
  }
  uint64_t size_bytes() const;
  size_t segment_count() const { return segments_.size(); }
  // OK, or why this partition refuses appends.
  const Status& write_status() const { return write_status_; }
  const RecoveryReport& recovery_report() const { return recovery_report_; }
  const ProducerState& producer_state() const { return producers_; }
  const PartitionConfig& config() const { return config_; }
  // Takes a topic's changed settings while the log serves (PROTOCOL.md, "TopicConfig"): segment
  // size and age from the next roll, retention and compaction from their next pass, the codec
  // for the batches appended next. The durability policy and the limits stay as opened.
  // kInvalidArgument (nothing changed) when `changed` does not validate.
  Status apply_settings(const PartitionConfig& changed);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  struct Pending {
    std::span<std::byte> batch;
    protocol::BatchHeader header;
    AppendCallback done;
    std::chrono::steady_clock::time_point taken_at;  // when append() took it (observed logs)
    bool replica = false;  // stored as it is, at its own offsets (append_replica())
  };
  struct Group;  // the batches of one write
  struct Timer;

  PartitionLog(IoBackend& io, std::filesystem::path dir, PartitionConfig config,
               RecoveredLog recovered);

  void fail_later(AppendCallback done, Status status);
  // The checks every append makes before it queues a batch: the log takes appends, the batch
  // is within the size limit, parses under `verify` and its length field covers exactly it.
  Result<protocol::RecordBatchView> admit(std::span<std::byte> batch,
                                          protocol::Verify verify) const;
  // Group commit: forms the next group from the queue and writes it, unless a write is in flight.
  void maybe_write();
  // Adds the zeros `group` preallocates after its batches, if any (partition_log.cc).
  void preallocate(Group& group) const;
  // Takes the queued batches that go into the next write (up to what the active segment and one
  // write hold) and assigns their offsets; an idempotent batch that must not be written is
  // answered (answer_unwritten()) and left out.
  std::shared_ptr<Group> take_group();
  void answer_unwritten(AppendCallback done, const ProducerState::Check& check);
  // Checks a replica's batch against the log end `next` and the recorded epochs; records a
  // newer epoch (written to the checkpoint before the group). The error to answer it with.
  Status take_replica_batch(const Pending& p, Offset next);
  // The epochs of a freshly opened log: the checkpoint, reconciled with the log (rebuilt from
  // the batch headers when it is missing, damaged or behind the log), and this log's epoch.
  Status load_leader_epochs();
  // After truncate_to() cut the files: the same in-memory state open() builds.
  Status reload_segments();
  void on_write_done(const std::shared_ptr<Group>& group, const WriteOutcome& outcome);
  void fence(Status why);
  void fail_queue(const Status& status);
  bool should_roll(uint64_t next_batch_bytes) const;
  Status roll();
  void maybe_seal();
  // Off the core's thread: writes the index files of every sealed segment still without them,
  // then moves the recovery point past the newest. Then runs `then` on the core.
  void write_seal(std::function<void()> then);
  // Rewrites the recovery point with the active segment's synced bytes when they have grown by
  // config_.synced_hint_bytes, off the core's thread.
  void maybe_record_synced();
  // Before the first write after a clean open: records, durably, that the active segment may
  // change from now on (its base offset and synced bytes), as an open after a crash does at once.
  Status leave_clean_start();
  void sync_active();
  void arm_sync_timer();
  void cancel_sync_timer();
  void maybe_finish_flush();
  // Deletes the oldest segments (never the active one) while `reason` names why.
  Result<size_t> delete_oldest_while(const std::function<const char*(const Segment&)>& reason);
  // Writes a producer snapshot as of `at` (take_producer_snapshot()), off the core's thread.
  void write_producer_snapshot(Offset at);
  // Expires idle producers and encodes the state as of `at`.
  std::vector<std::byte> take_producer_snapshot(Offset at);
  bool dirty() const { return writes_completed_ > writes_synced_; }
  // The sealed segments a compaction pass may take, oldest first: below the recovery point,
  // indexed, never the active one, and older than the minimum compaction lag.
  std::vector<std::shared_ptr<Segment>> cleanable_segments() const;
  void finish_compaction(const CompactionJob& job);

  IoBackend& io_;
  std::filesystem::path dir_;
  PartitionConfig config_;
  std::vector<std::shared_ptr<Segment>> segments_;  // by base offset; back() is active
  RecoveryReport recovery_report_;

  ProducerState producers_;
  std::deque<Pending> queue_;
  bool writing_ = false;
  bool in_callbacks_ = false;
  bool syncing_active_ = false;
  bool closing_ = false;  // begin_close() was called
  // A preallocating write found the disk full: no preallocation in the active segment.
  bool preallocation_off_ = false;
  bool closed_ = false;
  uint64_t writes_completed_ = 0;
  uint64_t writes_synced_ = 0;
  size_t appends_unsynced_ = 0;  // written since the last sync, for the observer
  Status write_status_;

  std::deque<std::shared_ptr<Segment>> sealing_;  // rolled, not yet synced and indexed
  bool sealing_in_flight_ = false;
  // Synced, but their index files could not be written (a full disk): the recovery point stays
  // before them until a later seal or the clean close writes them.
  std::vector<std::shared_ptr<Segment>> unindexed_;
  bool seal_failed_ = false;   // a rolled segment could not be synced: the recovery point stays
  bool seal_writing_ = false;  // write_seal() work in flight
  // The recovery point as last written, and the synced bytes it records for its segment.
  Offset recovery_point_;
  uint64_t recovery_point_synced_ = 0;
  // Opened as a clean close left it: the recovery point on disk still marks the active segment
  // as synced to its end, and must be moved back before anything is written to it.
  bool clean_start_ = false;
  // The leader epoch checkpoint was rebuilt from the log on a clean start and is written by the
  // next clean close that follows a write.
  bool epochs_unwritten_ = false;
  bool hint_writing_ = false;         // maybe_record_synced() work in flight
  uint64_t active_synced_bytes_ = 0;  // bytes of the active segment known to be synced
  int background_ = 0;                // IoBackend::async_run() work in flight

  std::shared_ptr<CompactionJob> compaction_;  // the pass under way
  bool compaction_step_running_ = false;
  Offset cleaner_checkpoint_;
  Offset log_start_;  // recorded by delete_records_before(); 0 for none

  LeaderEpochCache epochs_;
  int32_t leader_epoch_ = 0;
  // Set when take_group() recorded an epoch the checkpoint does not hold yet: the epochs as on
  // disk, restored when writing the checkpoint fails.
  std::optional<LeaderEpochCache> epochs_on_disk_;

  std::vector<SyncCallback> flush_waiters_;
  std::function<void(Offset)> listener_;
  FlushObserver* observer_ = nullptr;
  std::function<bool(int64_t)> producer_id_issued_;
  std::unique_ptr<Timer> sync_timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace cairn::storage
