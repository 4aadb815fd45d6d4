#include "storage/partition_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "protocol/wire_format.h"
#include "storage/compaction_job.h"

namespace cairn::storage {

struct PartitionLog::Timer {
  explicit Timer(boost::asio::io_context& ctx) : timer(ctx) {}
  boost::asio::steady_timer timer;
};

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

// Only an allocation failure could throw here, and then terminating is all that is left.
PartitionLog::~PartitionLog() {  // NOLINT(bugprone-exception-escape)
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

Status PartitionLog::apply_settings(const PartitionConfig& changed) {
  PartitionConfig next = config_;
  next.segment_bytes = changed.segment_bytes;
  next.segment_age = changed.segment_age;
  next.retention_bytes = changed.retention_bytes;
  next.retention_age = changed.retention_age;
  next.cleanup = changed.cleanup;
  next.compaction = changed.compaction;
  next.compression = changed.compression;
  CAIRN_RETURN_IF_ERROR(next.validate());
  config_ = std::move(next);
  return Status::ok();
}

void PartitionLog::fail_later(AppendCallback done, Status status) {
  boost::asio::post(io_.context(),
                    [done = std::move(done), status = std::move(status)] { done(status); });
}

Result<protocol::RecordBatchView> PartitionLog::admit(std::span<std::byte> batch,
                                                      protocol::Verify verify) const {
  if (closed_ || closing_) return Status::unavailable("partition is closing");
  if (!write_status_.is_ok()) return write_status_;
  if (batch.size() > config_.max_batch_bytes) {
    return Status::invalid_argument("batch of " + std::to_string(batch.size()) +
                                    " bytes exceeds the limit of " +
                                    std::to_string(config_.max_batch_bytes));
  }
  auto view = protocol::RecordBatchView::parse(batch, verify);
  if (!view) return view.error();
  if (view->bytes().size() != batch.size()) {
    return Status::corruption("batch length field does not match the bytes sent");
  }
  return view;
}

void PartitionLog::append(std::span<std::byte> batch, AppendCallback done) {
  auto view = admit(batch, protocol::Verify::kProduced);
  if (!view) return fail_later(std::move(done), view.error());
  if (Status s =
          view->validate_records(protocol::batch::max_decompressed_bytes(config_.max_batch_bytes));
      !s.is_ok()) {
    return fail_later(std::move(done), s);
  }
  const auto& h = view->header();
  if (h.producer_id >= 0 && (h.producer_epoch < 0 || h.base_sequence < 0)) {
    return fail_later(std::move(done), Status::invalid_argument(
                                           "an idempotent batch needs an epoch and a sequence"));
  }
  if (h.producer_id >= 0 && producer_id_issued_ && !producer_id_issued_(h.producer_id)) {
    return fail_later(std::move(done),
                      Status::invalid_argument("producer id " + std::to_string(h.producer_id) +
                                               " was not issued by this broker (InitProducerId)"));
  }
  auto taken_at =
      observer_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  queue_.push_back(Pending{batch, view->header(), std::move(done), taken_at});
  maybe_write();
}

void PartitionLog::append_marker(std::span<std::byte> batch, AppendCallback done) {
  auto view = admit(batch, protocol::Verify::kMarker);
  if (!view) return fail_later(std::move(done), view.error());
  const auto& h = view->header();
  if (!h.is_control() || !h.is_transactional() || h.producer_id < 0 || h.producer_epoch < 0) {
    return fail_later(std::move(done),
                      Status::invalid_argument("a marker is a transactional control batch of a "
                                               "producer id and epoch"));
  }
  auto taken_at =
      observer_ ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
  queue_.push_back(Pending{batch, view->header(), std::move(done), taken_at});
  maybe_write();
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

void PartitionLog::cancel_sync_timer() {
  if (sync_timer_) sync_timer_->timer.cancel();
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

Status PartitionLog::remove(IoBackend& io, const std::filesystem::path& dir) {
  auto names = io.list_directory(dir);
  if (!names) return names.error();
  for (const std::string& name : *names) CAIRN_RETURN_IF_ERROR(io.remove_file(dir / name));
  CAIRN_RETURN_IF_ERROR(io.remove_directory(dir));
  return io.sync_directory(dir.parent_path());
}

}  // namespace cairn::storage
