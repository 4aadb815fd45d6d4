#include "storage/partition_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "protocol/wire_format.h"
#include "storage/batch_scanner.h"
#include "storage/format.h"

namespace cairn::storage {

namespace {

// Upper bounds on one group write: the iovec limit of one writev, and bytes.
constexpr size_t kMaxGroupBatches = 1024;
constexpr uint64_t kMaxGroupBytes = 64ull << 20;

}  // namespace

struct PartitionLog::Group {
  std::shared_ptr<Segment> segment;
  FilePosition position;
  std::vector<Pending> items;
};

struct PartitionLog::Timer {
  explicit Timer(boost::asio::io_context& ctx) : timer(ctx) {}
  boost::asio::steady_timer timer;
};

Status PartitionConfig::validate() const {
  if (segment_bytes < protocol::batch::kHeaderSize || segment_bytes > format::kMaxSegmentBytes) {
    return Status::invalid_argument("segment size must be between " +
                                    std::to_string(protocol::batch::kHeaderSize) + " and " +
                                    std::to_string(format::kMaxSegmentBytes) + " bytes");
  }
  if (index_interval_bytes == 0) return Status::invalid_argument("index interval must be > 0");
  if (max_batch_bytes < protocol::batch::kHeaderSize ||
      max_batch_bytes > protocol::batch::kMaxBatchLength) {
    return Status::invalid_argument("max batch size out of bounds");
  }
  if (segment_age.count() <= 0) return Status::invalid_argument("segment age must be > 0");
  if (max_producers == 0) return Status::invalid_argument("max producers must be > 0");
  if (producer_expiry.count() <= 0) return Status::invalid_argument("producer expiry must be > 0");
  if (durability.kind == DurabilityPolicy::Kind::kInterval && durability.interval.count() <= 0) {
    return Status::invalid_argument("sync interval must be > 0");
  }
  return Status::ok();
}

Result<std::unique_ptr<PartitionLog>> PartitionLog::open(IoBackend& io, std::filesystem::path dir,
                                                         PartitionConfig config) {
  CAIRN_RETURN_IF_ERROR(config.validate());
  auto listing = io.list_directory(dir);
  if (!listing) {
    if (listing.error().code() != Status::Code::kNotFound) return listing.error();
    CAIRN_RETURN_IF_ERROR(io.create_directory(dir));
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir.parent_path()));
  }
  auto recovered = recover_log(io, dir, config.index_interval_bytes);
  if (!recovered) return recovered.error();
  if (recovered->segments.empty()) {
    auto first = Segment::create(io, dir, Offset(0), config.index_interval_bytes);
    if (!first) return first.error();
    CAIRN_RETURN_IF_ERROR(io.sync_directory(dir));
    recovered->segments.push_back(std::move(*first));
  }
  // Every byte of the active segment recovery kept is on the disk now; synced, it can be
  // recorded as such.
  const Segment& active = *recovered->segments.back();
  uint64_t synced = io.sync_file(*active.log()).is_ok() ? active.size_bytes() : 0;
  RecoveryPoint on_disk = recovered->recovery_point.value_or(RecoveryPoint{Offset(0), 0});
  // From here on the active segment may change: it is no longer sealed. Serving what is stored
  // needs no free space, so a failed write (a full disk) leaves the old point, which recovery
  // handles: data after a point inside the last segment is verified like any unsealed tail.
  if (Status s = write_recovery_point(io, dir, active.base_offset(), synced); !s.is_ok()) {
    spdlog::warn("{}: could not write the recovery point ({}); serving the partition with the "
                 "one on disk",
                 dir.string(), s.to_string());
  } else {
    on_disk = RecoveryPoint{active.base_offset(), synced};
  }
  std::unique_ptr<PartitionLog> log(
      new PartitionLog(io, std::move(dir), std::move(config), std::move(*recovered)));
  log->recovery_point_ = on_disk.offset;
  log->recovery_point_synced_ = on_disk.synced_bytes.value_or(0);
  log->active_synced_bytes_ = synced;
  CAIRN_RETURN_IF_ERROR(log->rebuild_producer_state());
  return log;
}

PartitionLog::PartitionLog(IoBackend& io, std::filesystem::path dir, PartitionConfig config,
                           RecoveredLog recovered)
    : io_(io),
      dir_(std::move(dir)),
      config_(std::move(config)),
      segments_(std::move(recovered.segments)),
      recovery_report_(recovered.report),
      producers_(config_.max_producers) {
  if (config_.durability.kind == DurabilityPolicy::Kind::kInterval) {
    sync_timer_ = std::make_unique<Timer>(io_.context());
    arm_sync_timer();
  }
}

PartitionLog::~PartitionLog() {
  *alive_ = false;
  if (sync_timer_) sync_timer_->timer.cancel();
  Status gone = Status::unavailable("partition " + dir_.string() + " closed");
  fail_queue(gone);
  for (auto& w : flush_waiters_) {
    boost::asio::post(io_.context(), [w = std::move(w), gone] { w(gone); });
  }
}

uint64_t PartitionLog::size_bytes() const {
  uint64_t total = 0;
  for (const auto& s : segments_) total += s->size_bytes();
  return total;
}

bool PartitionLog::idle() const {
  return !writing_ && queue_.empty() && sealing_.empty() && !sealing_in_flight_ &&
         !syncing_active_ && background_ == 0;
}

void PartitionLog::fail_later(AppendCallback done, Status status) {
  boost::asio::post(io_.context(), [done = std::move(done), status = std::move(status)] {
    done(status);
  });
}

void PartitionLog::append(std::span<std::byte> batch, AppendCallback done) {
  if (closed_ || closing_) {
    return fail_later(std::move(done), Status::unavailable("partition is closing"));
  }
  if (!write_status_.is_ok()) return fail_later(std::move(done), write_status_);
  if (batch.size() > config_.max_batch_bytes) {
    return fail_later(std::move(done),
                      Status::invalid_argument("batch of " + std::to_string(batch.size()) +
                                               " bytes exceeds the limit of " +
                                               std::to_string(config_.max_batch_bytes)));
  }
  auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kProduced);
  if (!view) return fail_later(std::move(done), view.error());
  if (view->bytes().size() != batch.size()) {
    return fail_later(std::move(done),
                      Status::corruption("batch length field does not match the bytes sent"));
  }
  if (Status s = view->validate_records(); !s.is_ok()) return fail_later(std::move(done), s);
  const auto& h = view->header();
  if (h.producer_id >= 0 && (h.producer_epoch < 0 || h.base_sequence < 0)) {
    return fail_later(std::move(done),
                      Status::invalid_argument("an idempotent batch needs an epoch and a sequence"));
  }
  if (h.producer_id >= 0 && producer_id_issued_ && !producer_id_issued_(h.producer_id)) {
    return fail_later(std::move(done),
                      Status::invalid_argument("producer id " + std::to_string(h.producer_id) +
                                               " was not issued by this broker (InitProducerId)"));
  }
  queue_.push_back(Pending{batch, view->header(), std::move(done)});
  maybe_write();
}

bool PartitionLog::should_roll(uint64_t next_batch_bytes) const {
  const Segment& active = *segments_.back();
  if (active.empty()) return false;
  if (active.size_bytes() + next_batch_bytes > config_.segment_bytes) return true;
  auto first = active.first_append_time();
  return first && config_.clock() - *first >= config_.segment_age;
}

Status PartitionLog::roll() {
  Offset base = segments_.back()->next_offset();
  write_producer_snapshot(base);
  auto segment = Segment::create(io_, dir_, base, config_.index_interval_bytes);
  if (!segment) return segment.error().with_context("rolling to a new segment");
  Status s = io_.sync_directory(dir_);
  if (!s.is_ok()) {
    (*segment)->remove_files(io_).ignore_error();
    return s.with_context("rolling to a new segment");
  }
  sealing_.push_back(segments_.back());
  segments_.push_back(std::move(*segment));
  active_synced_bytes_ = 0;
  maybe_seal();
  if (auto deleted = enforce_retention(); !deleted) {
    spdlog::warn("{}: retention: {}", dir_.string(), deleted.error().to_string());
  }
  return Status::ok();
}

void PartitionLog::maybe_write() {
  if (writing_ || in_callbacks_ || queue_.empty()) return;
  if (!write_status_.is_ok()) return fail_queue(write_status_);
  if (should_roll(queue_.front().batch.size())) {
    if (Status s = roll(); !s.is_ok()) {
      spdlog::error("{}: {}", dir_.string(), s.to_string());
      return fail_queue(s);
    }
  }
  auto group = std::make_shared<Group>();
  group->segment = segments_.back();
  group->position = FilePosition(group->segment->size_bytes());
  uint64_t room = group->segment->empty() ? UINT64_MAX
                                          : config_.segment_bytes - group->segment->size_bytes();
  uint64_t bytes = 0;
  Offset next = group->segment->next_offset();
  std::vector<Bytes> buffers;
  // Producers whose batches are already in this group: their next expected sequence.
  std::map<int64_t, std::pair<int16_t, int32_t>> in_group;
  while (!queue_.empty() && group->items.size() < kMaxGroupBatches) {
    Pending& p = queue_.front();
    if (!group->items.empty() &&
        (bytes + p.batch.size() > room || bytes + p.batch.size() > kMaxGroupBytes)) {
      break;
    }
    if (p.header.producer_id >= 0) {
      Status refused;
      auto seen = in_group.find(p.header.producer_id);
      if (seen != in_group.end()) {
        if (p.header.producer_epoch != seen->second.first ||
            p.header.base_sequence != seen->second.second) {
          refused = Status::unavailable("a batch overlapping one still being written; retry");
        }
      } else {
        auto check = producers_.check(p.header);
        if (check.verdict == ProducerState::Verdict::kDuplicate) {
          AppendResult dup{check.duplicate_of.base_offset, check.duplicate_of.last_offset,
                           config_.durability.kind == DurabilityPolicy::Kind::kAlways, true};
          boost::asio::post(io_.context(), [done = std::move(p.done), dup] { done(dup); });
          queue_.pop_front();
          continue;
        }
        if (check.verdict == ProducerState::Verdict::kOutOfOrder) refused = Status::out_of_order(check.why);
        if (check.verdict == ProducerState::Verdict::kFenced) refused = Status::fenced(check.why);
      }
      if (!refused.is_ok()) {
        fail_later(std::move(p.done), refused);
        queue_.pop_front();
        continue;
      }
      int64_t after = int64_t{p.header.base_sequence} + p.header.record_count;
      in_group[p.header.producer_id] = {p.header.producer_epoch,
                                        static_cast<int32_t>(after > INT32_MAX ? after - INT32_MAX - 1 : after)};
    }
    protocol::assign_offsets(p.batch, next, config_.leader_epoch);
    p.header.base_offset = next;
    p.header.leader_epoch = config_.leader_epoch;
    next = p.header.next_offset();
    bytes += p.batch.size();
    buffers.push_back(p.batch);
    group->items.push_back(std::move(p));
    queue_.pop_front();
  }
  if (group->items.empty()) {
    maybe_finish_flush();
    return;  // every queued batch was a duplicate or refused
  }
  writing_ = true;
  bool sync = config_.durability.kind == DurabilityPolicy::Kind::kAlways;
  Segment& segment = *group->segment;
  io_.async_write(*segment.log(), group->position, std::move(buffers), sync,
                  [this, alive = std::weak_ptr<bool>(alive_), group](WriteOutcome outcome) {
                    if (alive.expired()) {
                      for (Pending& p : group->items) {
                        p.done(Status::unavailable("partition closed during the write"));
                      }
                      return;
                    }
                    on_write_done(group, std::move(outcome));
                  });
}

void PartitionLog::on_write_done(std::shared_ptr<Group> group, WriteOutcome outcome) {
  writing_ = false;
  Segment& segment = *group->segment;
  Status failure;
  if (!outcome.write.is_ok()) {
    failure = outcome.write;
    // Cut the group's bytes off so that neither readers nor recovery ever see them.
    if (Status cut = segment.drop_invalid_tail(io_); !cut.is_ok()) {
      fence(Status::io_error("could not remove a failed write (" + failure.message() +
                             "): " + cut.message()));
    }
  } else if (!outcome.sync.is_ok()) {
    fence(Status::io_error(outcome.sync.message() +
                           "; the partition refuses writes until it is reopened"));
    segment.drop_invalid_tail(io_).ignore_error();  // best effort: none of it was acknowledged
    failure = write_status_;
  }
  if (!failure.is_ok()) {
    spdlog::error("{}: append of {} batches failed: {}", dir_.string(), group->items.size(),
                  failure.to_string());
    for (Pending& p : group->items) p.done(failure);
    maybe_write();
    maybe_finish_flush();
    return;
  }

  Timestamp now = config_.clock();
  FilePosition pos = group->position;
  for (const Pending& p : group->items) {
    segment.on_append(p.header, pos, now);
    if (p.header.producer_id >= 0) producers_.record(p.header, p.header.base_offset, to_millis(now));
    pos = pos + p.header.batch_length;
  }
  ++writes_completed_;
  bool durable = config_.durability.kind == DurabilityPolicy::Kind::kAlways;
  if (durable) {
    writes_synced_ = writes_completed_;
    if (group->segment == segments_.back()) active_synced_bytes_ = segment.size_bytes();
  }

  in_callbacks_ = true;
  for (Pending& p : group->items) {
    p.done(AppendResult{p.header.base_offset, p.header.last_offset(), durable});
  }
  in_callbacks_ = false;
  if (listener_) listener_(high_watermark());
  maybe_write();
  maybe_record_synced();
  maybe_finish_flush();
}

void PartitionLog::fence(Status why) {
  if (!write_status_.is_ok()) return;
  spdlog::error("{}: refusing writes: {}", dir_.string(), why.to_string());
  write_status_ = std::move(why);
  fail_queue(write_status_);
}

void PartitionLog::fail_queue(const Status& status) {
  while (!queue_.empty()) {
    Pending p = std::move(queue_.front());
    queue_.pop_front();
    fail_later(std::move(p.done), status);
  }
}

void PartitionLog::maybe_seal() {
  if (sealing_in_flight_ || sealing_.empty()) return;
  sealing_in_flight_ = true;
  std::shared_ptr<Segment> segment = sealing_.front();
  io_.async_sync(*segment->log(), [this, alive = std::weak_ptr<bool>(alive_),
                                   segment](Status synced) {
    if (alive.expired()) return;
    auto next = [this] {
      sealing_in_flight_ = false;
      sealing_.pop_front();
      maybe_seal();
      maybe_finish_flush();
    };
    if (!synced.is_ok()) {
      fence(synced.with_context("sealing segment " + segment->log_path().filename().string()));
      seal_failed_ = true;
      return next();
    }
    unindexed_.push_back(segment);
    write_seal(next);
  });
}

void PartitionLog::write_seal(std::function<void()> then) {
  std::vector<Segment::IndexFiles> files;
  for (const auto& segment : unindexed_) files.push_back(segment->seal_indexes());
  Offset point = unindexed_.back()->next_offset();
  // The point is the base of the segment after the newest sealed one: what of it is synced.
  uint64_t synced = segments_.back()->base_offset() == point ? active_synced_bytes_ : 0;
  bool move_point = !seal_failed_;
  seal_writing_ = true;
  ++background_;
  io_.async_run(
      [&io = io_, dir = dir_, files = std::move(files), point, synced, move_point]() -> Status {
        for (const auto& f : files) CAIRN_RETURN_IF_ERROR(Segment::write_index_files(io, f));
        if (!move_point) return Status::ok();
        return write_recovery_point(io, dir, point, synced);
      },
      [this, alive = std::weak_ptr<bool>(alive_), indexed = unindexed_.size(), point, synced,
       move_point, then = std::move(then)](Status s) {
        if (alive.expired()) return;
        seal_writing_ = false;
        --background_;
        if (s.is_ok()) {
          unindexed_.erase(unindexed_.begin(), unindexed_.begin() + static_cast<std::ptrdiff_t>(indexed));
          if (move_point) {
            recovery_point_ = point;
            recovery_point_synced_ = synced;
          }
        } else {
          // Recovery rebuilds missing indexes; the recovery point just must not pass them yet.
          spdlog::warn("{}: sealing: {}; retried at the next seal", dir_.string(), s.to_string());
        }
        then();
        maybe_record_synced();
      });
}

void PartitionLog::maybe_record_synced() {
  if (seal_writing_ || hint_writing_ || seal_failed_ || closing_ || closed_ ||
      sealing_in_flight_ || !sealing_.empty() || !unindexed_.empty()) {
    return;
  }
  // The synced bytes describe the segment holding the point: only useful when that is the
  // active one (a seal moves the point there).
  if (recovery_point_ < segments_.back()->base_offset()) return;
  if (active_synced_bytes_ < recovery_point_synced_ + config_.synced_hint_bytes) return;
  hint_writing_ = true;
  ++background_;
  Offset point = recovery_point_;
  uint64_t synced = active_synced_bytes_;
  io_.async_run(
      [&io = io_, dir = dir_, point, synced] {
        return write_recovery_point(io, dir, point, synced);
      },
      [this, alive = std::weak_ptr<bool>(alive_), synced](Status s) {
        if (alive.expired()) return;
        hint_writing_ = false;
        --background_;
        if (s.is_ok()) {
          recovery_point_synced_ = synced;
          maybe_record_synced();
        } else {
          spdlog::debug("{}: recording the synced bytes: {}", dir_.string(), s.to_string());
        }
        maybe_finish_flush();
      });
}

void PartitionLog::sync_active() {
  syncing_active_ = true;
  uint64_t covered = writes_completed_;
  std::shared_ptr<Segment> active = segments_.back();
  uint64_t size = active->size_bytes();
  io_.async_sync(*active->log(), [this, alive = std::weak_ptr<bool>(alive_), active, covered,
                                  size](Status s) {
    if (alive.expired()) return;
    syncing_active_ = false;
    if (!s.is_ok()) {
      fence(Status::io_error(s.message() + "; the partition refuses writes until it is reopened"));
    } else {
      writes_synced_ = std::max(writes_synced_, covered);
      if (active == segments_.back()) active_synced_bytes_ = std::max(active_synced_bytes_, size);
      maybe_record_synced();
    }
    maybe_finish_flush();
  });
}

void PartitionLog::arm_sync_timer() {
  sync_timer_->timer.expires_after(config_.durability.interval);
  sync_timer_->timer.async_wait(
      [this, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (ec || alive.expired() || closed_) return;
        if (dirty() && !syncing_active_ && write_status_.is_ok()) sync_active();
        arm_sync_timer();
      });
}

void PartitionLog::flush(SyncCallback done) {
  flush_waiters_.push_back(std::move(done));
  maybe_finish_flush();
}

void PartitionLog::maybe_finish_flush() {
  if (flush_waiters_.empty()) return;
  if (writing_ || !queue_.empty() || sealing_in_flight_ || !sealing_.empty() || syncing_active_ ||
      background_ > 0) {
    return;  // called again when that work completes
  }
  if (write_status_.is_ok() && dirty()) return sync_active();
  std::vector<SyncCallback> waiters;
  waiters.swap(flush_waiters_);
  for (auto& w : waiters) {
    boost::asio::post(io_.context(), [w = std::move(w), s = write_status_] { w(s); });
  }
}

void PartitionLog::begin_close() { closing_ = true; }

Status PartitionLog::close() {
  if (closed_) return Status::ok();
  if (!idle()) {
    // The recovery point would leave out what is still in flight.
    return Status::unavailable("partition " + dir_.string() +
                               " has writes in flight; flush before closing");
  }
  closed_ = true;
  if (sync_timer_) sync_timer_->timer.cancel();
  if (!write_status_.is_ok()) return write_status_;  // leave recovery to the next open
  Segment& active = *segments_.back();
  CAIRN_RETURN_IF_ERROR(io_.sync_file(*active.log()));
  for (const auto& segment : unindexed_) CAIRN_RETURN_IF_ERROR(segment->write_indexes(io_));
  unindexed_.clear();
  CAIRN_RETURN_IF_ERROR(active.write_indexes(io_));
  if (Status s = write_producer_snapshot_now(active.next_offset()); !s.is_ok()) {
    // Not fatal: the state is rebuilt from the log, from an older snapshot.
    spdlog::warn("{}: writing a producer snapshot: {}", dir_.string(), s.to_string());
  }
  return write_recovery_point(io_, dir_, active.next_offset(), active.size_bytes());
}

Result<LogSlice> PartitionLog::read(Offset from, uint32_t max_bytes) const {
  if (from < log_start_offset()) {
    return Status::out_of_range("offset " + from.to_string() + " is before the log start " +
                                log_start_offset().to_string());
  }
  if (from > high_watermark()) {
    return Status::out_of_range("offset " + from.to_string() + " is past the log end " +
                                high_watermark().to_string());
  }
  if (from == high_watermark()) return LogSlice{nullptr, FilePosition(0), 0, from, from};
  auto it = std::upper_bound(segments_.begin(), segments_.end(), from,
                             [](Offset o, const std::shared_ptr<Segment>& s) {
                               return o < s->base_offset();
                             });
  return (*std::prev(it))->read(from, max_bytes);
}

Result<std::optional<Offset>> PartitionLog::offset_for_timestamp(Timestamp ts) const {
  int64_t ms = to_millis(ts);
  for (const auto& segment : segments_) {
    auto max = segment->max_timestamp_ms();
    if (!max || *max < ms) continue;
    auto found = segment->find_offset_for_timestamp(ms);
    if (!found || *found) return found;
  }
  return std::optional<Offset>();
}

Result<size_t> PartitionLog::enforce_retention() {
  if (!config_.retention_bytes && !config_.retention_age) return size_t{0};
  Timestamp now = config_.clock();
  uint64_t total = size_bytes();
  return delete_oldest_while([&](const Segment& oldest) -> const char* {
    if (config_.retention_bytes && total - oldest.size_bytes() >= *config_.retention_bytes) {
      total -= oldest.size_bytes();
      return "size";
    }
    auto newest = oldest.max_timestamp_ms();
    if (config_.retention_age && newest &&
        now - timestamp_from_millis(*newest) > *config_.retention_age) {
      total -= oldest.size_bytes();
      return "age";
    }
    return nullptr;
  });
}

Result<size_t> PartitionLog::delete_segments_before(Offset offset) {
  return delete_oldest_while([offset](const Segment& oldest) -> const char* {
    return oldest.next_offset() <= offset ? "offset" : nullptr;
  });
}

Result<size_t> PartitionLog::delete_oldest_while(
    const std::function<const char*(const Segment&)>& reason) {
  size_t deleted = 0;
  while (segments_.size() > 1) {
    const std::shared_ptr<Segment>& oldest = segments_.front();
    if (std::find(sealing_.begin(), sealing_.end(), oldest) != sealing_.end()) break;
    auto unindexed = std::find(unindexed_.begin(), unindexed_.end(), oldest);
    if (unindexed != unindexed_.end() && seal_writing_) break;  // its index files are being written
    const char* why = reason(*oldest);
    if (why == nullptr) break;
    CAIRN_RETURN_IF_ERROR(oldest->remove_files(io_));
    if (unindexed != unindexed_.end()) unindexed_.erase(unindexed);
    spdlog::info("{}: deleted segment {} ({} bytes, by {})", dir_.string(),
                 oldest->base_offset().value(), oldest->size_bytes(), why);
    segments_.erase(segments_.begin());
    ++deleted;
  }
  if (deleted > 0) CAIRN_RETURN_IF_ERROR(io_.sync_directory(dir_));
  return deleted;
}

namespace {

// Writes a producer snapshot file and deletes all but the newest few. Touches no PartitionLog, so
// it may run in IoBackend::async_run().
Status write_snapshot_file(IoBackend& io, const std::filesystem::path& dir, Offset at,
                           const std::vector<std::byte>& bytes) {
  CAIRN_RETURN_IF_ERROR(
      write_file_atomically(io, dir / segment_file_name(at, format::kSnapshotSuffix), bytes));
  auto snapshots = list_offset_files(io, dir, format::kSnapshotSuffix);
  if (!snapshots) return Status::ok();  // pruning is best effort
  for (size_t i = 0; i + format::kSnapshotsKept < snapshots->size(); ++i) {
    io.remove_file(dir / segment_file_name((*snapshots)[i], format::kSnapshotSuffix)).ignore_error();
  }
  return Status::ok();
}

}  // namespace

void PartitionLog::write_producer_snapshot(Offset at) {
  // Idle producers are forgotten, by the broker's clock, as Kafka does with
  // producer.id.expiration.ms: a retry comes within seconds, not after this long.
  producers_.expire(to_millis(config_.clock()) - config_.producer_expiry.count());
  ++background_;
  io_.async_run(
      [&io = io_, dir = dir_, at, bytes = producers_.encode(at)] {
        return write_snapshot_file(io, dir, at, bytes);
      },
      [this, alive = std::weak_ptr<bool>(alive_)](Status s) {
        if (alive.expired()) return;
        --background_;
        if (!s.is_ok()) {
          // Not fatal: the state is rebuilt from the log, from an older snapshot.
          spdlog::warn("{}: writing a producer snapshot: {}", dir_.string(), s.to_string());
        }
        maybe_finish_flush();
      });
}

Status PartitionLog::write_producer_snapshot_now(Offset at) {
  producers_.expire(to_millis(config_.clock()) - config_.producer_expiry.count());
  return write_snapshot_file(io_, dir_, at, producers_.encode(at));
}

Status PartitionLog::rebuild_producer_state() {
  // When the batches replayed here were appended is not known: count them as appended now, so
  // that a restart never makes a producer expire sooner.
  int64_t now_ms = to_millis(config_.clock());
  auto snapshots = list_offset_files(io_, dir_, format::kSnapshotSuffix);
  if (!snapshots) return snapshots.error();
  Offset start = log_start_offset();
  for (auto it = snapshots->rbegin(); it != snapshots->rend(); ++it) {  // newest first
    Offset at = *it;
    auto path = dir_ / segment_file_name(at, format::kSnapshotSuffix);
    if (at > high_watermark()) {
      // Taken before a crash cut the log back: it describes batches the log no longer has.
      io_.remove_file(path).ignore_error();
      continue;
    }
    auto bytes = read_whole_file(io_, path);
    auto decoded = bytes ? ProducerState::decode(*bytes, config_.max_producers, now_ms)
                         : Result<std::pair<Offset, ProducerState>>(bytes.error());
    if (!decoded || decoded->first != at) {
      spdlog::warn("{}: ignoring producer snapshot {}: {}", dir_.string(), path.filename().string(),
                   decoded ? "offset does not match its name" : decoded.error().message());
      continue;
    }
    producers_ = std::move(decoded->second);
    start = std::max(at, log_start_offset());
    break;
  }
  // Replay the batch headers after the snapshot.
  for (const auto& segment : segments_) {
    if (segment->next_offset() <= start || segment->empty()) continue;
    FilePosition from(0);
    if (segment->base_offset() < start) {
      auto loc = segment->find_batch(start);
      if (!loc) return loc.error();
      from = loc->position;
    }
    BatchScanner scanner(*segment->log(), from, segment->size_bytes(), BatchScanner::Mode::kHeaders);
    for (;;) {
      auto item = scanner.next();
      if (!item) return item.error();
      if (!*item) break;
      const auto& h = (*item)->header;
      if (h.producer_id >= 0 && h.base_offset >= start) producers_.record(h, h.base_offset, now_ms);
    }
  }
  return Status::ok();
}

Status PartitionLog::remove(IoBackend& io, const std::filesystem::path& dir) {
  auto names = io.list_directory(dir);
  if (!names) return names.error();
  for (const std::string& name : *names) CAIRN_RETURN_IF_ERROR(io.remove_file(dir / name));
  CAIRN_RETURN_IF_ERROR(io.remove_directory(dir));
  return io.sync_directory(dir.parent_path());
}

}  // namespace cairn::storage
