// TxnCoordinator: loading, storing each decision, markers and housekeeping.
#include "broker/txn_coordinator/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/group/offset_log.h"

namespace cairn::broker {

using protocol::ErrorCode;
using txn::TransactionLogRecord;
using txn::TransactionMetadata;
using txn::TxnState;

namespace {

constexpr auto kTick = std::chrono::milliseconds(100);

bool is_prepare(TxnState s) {
  return s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort;
}

}  // namespace

TxnCoordinator::TxnCoordinator(std::unique_ptr<TxnHost> host, txn::TxnLimits limits,
                               asio::any_io_executor executor)
    : host_(std::move(host)),
      limits_(limits),
      executor_(std::move(executor)),
      settled_(std::make_unique<Notifier>(executor_)) {
  for (int32_t id : host_->state_partitions()) {
    partitions_[id] = std::make_unique<PartitionState>(limits_);
  }
}

TxnCoordinator::~TxnCoordinator() = default;

int32_t TxnCoordinator::partition_of(std::string_view transactional_id) const {
  return txn::transaction_partition_for(transactional_id, host_->state_partition_count());
}

void TxnCoordinator::load() {
  std::vector<int32_t> recovering;
  for (auto& [id, ps] : partitions_) {
    auto records = host_->read_state(id);
    Status replayed = records ? Status::ok() : records.error();
    if (records) {
      for (const auto& r : *records) {
        replayed = ps->machine.replay(r);
        if (!replayed.is_ok()) break;
      }
    }
    if (!replayed.is_ok()) {
      ps->load_error = replayed;
      spdlog::error(
          "transaction state partition {} cannot be loaded: {}. Its transactional ids answer "
          "COORDINATOR_NOT_AVAILABLE until it is repaired",
          id, replayed.to_string());
      continue;
    }
    spdlog::debug("transaction state partition {}: {} transactional ids", id, ps->machine.size());
    bool ongoing = std::ranges::any_of(
        ps->machine.ids(), [](const auto& m) { return m.second.state == TxnState::kOngoing; });
    if (ongoing) {
      recovering.push_back(id);
    } else {
      ps->loaded = true;
    }
  }
  if (!recovering.empty()) {
    asio::co_spawn(executor_, recover_open(this, std::move(recovering)), asio::detached);
  }
}

awaitable<void> TxnCoordinator::recover_open(TxnCoordinator* self,
                                             std::vector<int32_t> partitions) {
  std::optional<std::vector<txn::OpenTransaction>> open;
  asio::steady_timer timer(self->executor_);
  // Until every shard's group coordinator has loaded (a follower's load at its promotion).
  while (!self->stopped_ && !(open = co_await self->host_->open_transactions())) {
    timer.expires_after(kTick);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (self->stopped_) co_return;
  for (int32_t id : partitions) {
    PartitionState& ps = *self->partitions_.at(id);
    for (const auto& [tid, tp] : ps.machine.recover_open(*open)) {
      spdlog::info(
          "transactional id '{}': {}-{} holds its open transaction, which its stored state did "
          "not list (an add lost in a crash before it was synced); added",
          tid, tp.topic, tp.partition);
    }
    // The partitions forgot at the restart which transactions they were added to: told again,
    // the producer's transaction goes on (its batches are taken) instead of failing.
    std::vector<TransactionMetadata> ongoing;
    for (const auto& [tid, m] : ps.machine.ids()) {
      if (m.state == TxnState::kOngoing) ongoing.push_back(m);
    }
    for (const auto& m : ongoing) {
      std::vector<txn::TxnPartition> parts(m.partitions.begin(), m.partitions.end());
      co_await self->host_->add_to_transaction(std::move(parts), m.producer_id, m.producer_epoch);
      if (self->stopped_) co_return;
    }
    ps.loaded = true;
  }
}

void TxnCoordinator::start() {
  timer_ = std::make_unique<asio::steady_timer>(executor_);
  tick();
}

void TxnCoordinator::tick() {
  timer_->expires_after(kTick);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    housekeep();
    tick();
  });
}

void TxnCoordinator::stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
  settled_->notify_all();
}

const txn::TransactionStateMachine* TxnCoordinator::machine(int32_t partition) const {
  auto it = partitions_.find(partition);
  return it == partitions_.end() || !it->second->loaded ? nullptr : &it->second->machine;
}

TxnCoordinator::PartitionState* TxnCoordinator::partition_for(std::string_view transactional_id,
                                                              ErrorCode& error) {
  auto it = partitions_.find(partition_of(transactional_id));
  if (stopped_ || it == partitions_.end() || !it->second->load_error.is_ok()) {
    error = ErrorCode::kCoordinatorNotAvailable;
    return nullptr;
  }
  if (!it->second->loaded) {
    error = ErrorCode::kCoordinatorLoadInProgress;
    return nullptr;
  }
  return it->second.get();
}

awaitable<bool> TxnCoordinator::store(int32_t partition, TransactionLogRecord record) {
  PartitionState& ps = *partitions_.at(partition);
  // A Complete state not stored yet goes first, in the same batch (so the log keeps every
  // transition legal).
  std::vector<TransactionLogRecord> records;
  const TransactionMetadata* completed = ps.machine.find(record.transactional_id);
  if (completed != nullptr && ps.unstored.contains(record.transactional_id)) {
    records.push_back({record.transactional_id, *completed});
  }
  records.push_back(record);
  auto batch = std::make_shared<std::vector<std::byte>>(
      txn::encode_transaction_batch(records, host_->now()));
  Status s = Status::unavailable("the broker is stopping");
  if (!stopped_) s = co_await host_->append_state(partition, std::move(batch));
  if (!s.is_ok()) {
    spdlog::warn("transactional id '{}': storing its state: {}", record.transactional_id,
                 s.to_string());
    ps.machine.abandon(record.transactional_id);
    co_return false;
  }
  ps.unstored.erase(record.transactional_id);
  ps.machine.apply(record);
  co_return true;
}

bool TxnCoordinator::store_queued(int32_t partition, const TransactionLogRecord& record) {
  PartitionState& ps = *partitions_.at(partition);
  auto batch = std::make_shared<std::vector<std::byte>>(
      txn::encode_transaction_batch({record}, host_->now()));
  Status s = Status::unavailable("the broker is stopping");
  if (!stopped_) s = host_->append_state_queued(partition, std::move(batch));
  if (!s.is_ok()) {
    spdlog::warn("transactional id '{}': storing its state: {}", record.transactional_id,
                 s.to_string());
    ps.machine.abandon(record.transactional_id);
    return false;
  }
  ps.machine.apply(record);
  return true;
}

awaitable<ErrorCode> TxnCoordinator::finish(int32_t partition, std::string transactional_id) {
  PartitionState& ps = *partitions_.at(partition);
  const TransactionMetadata* m = ps.machine.find(transactional_id);
  if (m == nullptr || !is_prepare(m->state)) co_return ErrorCode::kNone;
  if (ps.finishing.contains(transactional_id) || ps.machine.is_pending(transactional_id)) {
    co_return ErrorCode::kConcurrentTransactions;
  }
  ps.finishing.insert(transactional_id);
  co_return co_await complete(partition, std::move(transactional_id));
}

awaitable<ErrorCode> TxnCoordinator::complete(int32_t partition, std::string transactional_id) {
  PartitionState& ps = *partitions_.at(partition);
  const TransactionMetadata* m = ps.machine.find(transactional_id);
  if (m == nullptr || !is_prepare(m->state)) {
    ps.finishing.erase(transactional_id);
    settled_->notify_all();
    co_return ErrorCode::kNone;
  }
  protocol::MarkerOptions marker;
  marker.producer_id = m->producer_id;
  marker.producer_epoch = m->producer_epoch;
  marker.result = m->state == TxnState::kPrepareCommit ? protocol::TxnResult::kCommit
                                                       : protocol::TxnResult::kAbort;
  marker.timestamp = host_->now();
  std::vector<txn::TxnPartition> targets(m->partitions.begin(), m->partitions.end());
  std::vector<Status> written = co_await host_->write_markers(targets, marker);
  ErrorCode out = ErrorCode::kNone;
  for (size_t i = 0; i < written.size(); ++i) {
    if (written[i].is_ok()) continue;
    spdlog::warn("transactional id '{}': its marker in {}-{}: {} (written again later)",
                 transactional_id, targets[i].topic, targets[i].partition, written[i].to_string());
    out = ErrorCode::kCoordinatorNotAvailable;
  }
  if (out == ErrorCode::kNone && !stopped_) {
    txn::TxnDecision d = ps.machine.complete(transactional_id, host_->now());
    if (d.write) {
      // Applied now, stored with the id's next state (store()) or by the housekeeping.
      ps.machine.apply(TransactionLogRecord{transactional_id, std::move(d.write)});
      ps.unstored[transactional_id] = host_->now();
    } else {
      out = d.error;
    }
  }
  ps.finishing.erase(transactional_id);
  settled_->notify_all();
  co_return out;
}

awaitable<void> TxnCoordinator::complete_detached(TxnCoordinator* self, int32_t partition,
                                                  std::string transactional_id) {
  co_await self->complete(partition, std::move(transactional_id));
}

awaitable<void> TxnCoordinator::store_completed(TxnCoordinator* self, int32_t partition,
                                                std::string transactional_id) {
  PartitionState& ps = *self->partitions_.at(partition);
  const TransactionMetadata* m = ps.machine.find(transactional_id);
  if (m != nullptr && ps.unstored.contains(transactional_id) && !self->stopped_) {
    auto batch = std::make_shared<std::vector<std::byte>>(
        txn::encode_transaction_batch({{transactional_id, *m}}, self->host_->now()));
    Status s = co_await self->host_->append_state(partition, std::move(batch));
    if (s.is_ok()) {
      ps.unstored.erase(transactional_id);
    } else {
      spdlog::warn("transactional id '{}': storing its Complete state: {} (again later)",
                   transactional_id, s.to_string());
    }
  }
  ps.finishing.erase(transactional_id);
  self->settled_->notify_all();
}

awaitable<void> TxnCoordinator::settle(PartitionState& ps, const std::string& transactional_id) {
  while (!stopped_ && ps.finishing.contains(transactional_id)) co_await settled_->wait();
}

awaitable<void> TxnCoordinator::finish_detached(TxnCoordinator* self, int32_t partition,
                                                std::string transactional_id) {
  co_await self->finish(partition, std::move(transactional_id));
}

awaitable<void> TxnCoordinator::store_detached(TxnCoordinator* self, int32_t partition,
                                               TransactionLogRecord record) {
  std::string id = record.transactional_id;
  bool prepare = record.value && is_prepare(record.value->state);
  if (!co_await self->store(partition, std::move(record)) || !prepare) co_return;
  co_await self->finish(partition, std::move(id));
}

void TxnCoordinator::housekeep() {
  if (stopped_) return;
  Timestamp now = host_->now();
  for (auto& [id, ps] : partitions_) {
    if (!ps->loaded) continue;
    for (const auto& m : ps->machine.to_complete()) {
      if (ps->finishing.contains(m.transactional_id) ||
          ps->machine.is_pending(m.transactional_id)) {
        continue;
      }
      asio::co_spawn(executor_, finish_detached(this, id, m.transactional_id), asio::detached);
    }
    for (const auto& [tid, since] : ps->unstored) {
      // A tick old: no next state came to store it with.
      if (now - since < kTick || ps->finishing.contains(tid) || ps->machine.is_pending(tid)) {
        continue;
      }
      ps->finishing.insert(tid);  // requests of the id wait (settle()) while it is stored
      asio::co_spawn(executor_, store_completed(this, id, tid), asio::detached);
    }
    for (auto& m : ps->machine.expire_timed_out(now)) {
      spdlog::info("transactional id '{}': transaction past its timeout of {} ms, aborted",
                   m.transactional_id, m.timeout.count());
      TransactionLogRecord record{m.transactional_id, std::move(m)};
      asio::co_spawn(executor_, store_detached(this, id, std::move(record)), asio::detached);
    }
    for (auto& tid : ps->machine.expire_idle(now)) {
      TransactionLogRecord record{std::move(tid), std::nullopt};
      asio::co_spawn(executor_, store_detached(this, id, std::move(record)), asio::detached);
    }
  }
}

}  // namespace cairn::broker
