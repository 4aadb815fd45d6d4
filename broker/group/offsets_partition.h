#pragma once

// OffsetsPartition: a group coordinator's handle on one partition of `__consumer_offsets` that
// its shard owns. Made by the coordinator at load and shared with the appends in flight; used on
// the coordinator's shard only. The broker Partition it wraps outlives it.
//
// It knows whether the partition's records replayed: a group on one that did not (offline, or a
// record that cannot be read) is refused, never answered "nothing committed". It counts the
// writes in flight and takes the snapshots. A snapshot holds new writes back, waits until no
// write is in flight, reads the live offsets (which then hold every acknowledged commit and no
// other), appends all its batches one after the other and lets writes through again: so nothing
// lies between its markers, and every write before it is in it. Once all its batches are stored,
// the whole segments before it are deleted. A failed snapshot, or a failed write of expired
// offsets, is retried after a backoff that doubles from 1 s to 1 min. After stop() nothing more
// is appended.

#include "broker/async.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "broker/group/group.h"
#include "broker/group/offset_log.h"
#include "protocol/status.h"

namespace cairn::broker {

class Partition;

class OffsetsPartition : public std::enable_shared_from_this<OffsetsPartition> {
 public:
  using LiveOffsets = std::function<std::vector<OffsetRecord>()>;

  OffsetsPartition(Partition& partition, const asio::any_io_executor& executor);

  int32_t id() const;
  bool loaded() const { return loaded_; }
  // Replays the partition's log and, if that works, marks it loaded. Returns the replay: the
  // live offsets by group and the transactional ones still pending. Errors: the partition is
  // offline, or a batch or record cannot be read.
  Result<OffsetReplay> load();

  // Waits while a snapshot holds writes back. False once stopped: write nothing then.
  awaitable<bool> wait_until_writable();
  bool writable() const { return !stopped_ && !held_; }
  // Appends `batch`. `done` runs once it is stored or has failed, in log order, before the write
  // stops counting as in flight. kUnavailable once stopped or when the partition is offline.
  void write(const std::shared_ptr<std::vector<std::byte>>& batch,
             std::function<void(Status)> done);

  // Whether expired offsets may be written now (loaded, writable, not backing off).
  bool may_expire(GroupTime now) const;
  // The outcome of writing expired offsets: a failure backs off.
  void expiry_written(const Status& status, GroupTime now);

  // Whether to start a snapshot at `now`: more bytes written since the last one than both
  // `min_bytes` and that snapshot's size, none under way, not backing off.
  bool snapshot_due(GroupTime now, uint64_t min_bytes) const;
  // Takes a snapshot of what `live_offsets` returns; `now` is when it starts.
  static awaitable<void> snapshot(std::shared_ptr<OffsetsPartition> self, LiveOffsets live_offsets,
                                  GroupTime now);

  // Nothing more is appended; writes held back by a snapshot are let go (and refused).
  void stop();

 private:
  struct Backoff {
    GroupTime retry_at{};
    std::chrono::milliseconds delay{0};
    void failed(GroupTime now);
    void succeeded() { *this = Backoff{}; }
  };

  void release_writes();

  Partition& partition_;
  asio::any_io_executor executor_;
  bool loaded_ = false;
  bool stopped_ = false;
  bool held_ = false;  // a snapshot holds writes back
  bool snapshot_running_ = false;
  int in_flight_ = 0;
  Notifier released_;  // writes are no longer held back
  Notifier quiet_;     // in_flight_ dropped to zero
  uint64_t bytes_since_snapshot_ = 0;
  uint64_t last_snapshot_bytes_ = 0;
  Backoff snapshot_backoff_;
  Backoff expiry_backoff_;
};

}  // namespace cairn::broker
