// GroupCoordinator: its groups and offsets partitions, loading, housekeeping and stopping.
#include "broker/group/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/group/offset_log.h"
#include "broker/partition.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

constexpr auto kTick = std::chrono::milliseconds(50);

}  // namespace

GroupCoordinator::GroupCoordinator(std::unique_ptr<GroupHost> host, GroupOptions options,
                                   asio::any_io_executor executor)
    : host_(std::move(host)), options_(options), executor_(std::move(executor)) {}

GroupCoordinator::~GroupCoordinator() {
  // Snapshots under way read this coordinator's groups; stopping their partitions ends them.
  for (auto& [id, p] : partitions_) p->stop();
}

int32_t GroupCoordinator::partition_of(const std::string& group_id) const {
  return offsets_partition_for(group_id, host_->offsets_partition_count());
}

GroupCoordinator::RuntimePtr GroupCoordinator::existing(const std::string& group_id) const {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second;
}

GroupCoordinator::RuntimePtr GroupCoordinator::runtime(const std::string& group_id) {
  auto& slot = groups_[group_id];
  if (!slot) slot = std::make_shared<Runtime>(group_id, executor_);
  return slot;
}

std::shared_ptr<OffsetsPartition> GroupCoordinator::offsets_partition(
    const std::string& group_id) const {
  auto it = partitions_.find(partition_of(group_id));
  return it == partitions_.end() ? nullptr : it->second;
}

ErrorCode GroupCoordinator::availability(const std::string& group_id) const {
  auto p = offsets_partition(group_id);
  if (stopped_ || p == nullptr || !p->loaded()) return ErrorCode::kCoordinatorNotAvailable;
  return ErrorCode::kNone;
}

void GroupCoordinator::load() {
  size_t groups = 0, loaded = 0;
  GroupTime t = host_->now();
  int64_t wall = to_millis(system_now());
  for (Partition* p : host_->offsets_partitions()) {
    auto part = std::make_shared<OffsetsPartition>(*p, executor_);
    partitions_[p->id()] = part;
    auto replay = part->load();
    if (!replay) {
      std::string repair =
          p->log() ? "; stop cairnd and run `cairn log repair " + p->log()->dir().string() +
                         "` (a dry run; add --yes to cut the log back to its valid prefix)"
                   : "";
      spdlog::error(
          "offsets partition {} cannot be loaded: {}. Its groups answer "
          "COORDINATOR_NOT_AVAILABLE until it is repaired{}",
          p->id(), replay.error().to_string(), repair);
      continue;
    }
    ++loaded;
    for (auto& [producer_id, by_group] : replay->pending()) {
      for (auto& [group_id, group_offsets] : by_group) {
        runtime(group_id)->txn_offsets[producer_id] = std::move(group_offsets);
      }
    }
    for (auto& [group_id, group_offsets] : replay->offsets()) {
      // The retention clock restarts at the commit's stored time, never later than now.
      for (auto& [tp, c] : group_offsets) {
        int64_t age_ms =
            std::clamp<int64_t>(wall - c.commit_time_ms, 0, 10LL * 365 * 24 * 3600 * 1000);
        c.committed_at = t - std::chrono::milliseconds(age_ms);
      }
      runtime(group_id)->group.offsets() = std::move(group_offsets);
      ++groups;
    }
  }
  if (loaded > 0) {
    spdlog::debug("loaded committed offsets of {} groups from {} partitions", groups, loaded);
  }
  loaded_ = true;
}

std::optional<std::vector<std::pair<int32_t, int64_t>>> GroupCoordinator::open_transactions()
    const {
  if (!loaded_) return std::nullopt;
  std::vector<std::pair<int32_t, int64_t>> out;
  for (const auto& [id, rt] : groups_) {
    for (const auto& [producer_id, offsets] : rt->txn_offsets) {
      out.emplace_back(partition_of(id), producer_id);
    }
  }
  return out;
}

void GroupCoordinator::start() {
  timer_ = std::make_unique<asio::steady_timer>(executor_);
  tick();
}

void GroupCoordinator::tick() {
  timer_->expires_after(kTick);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    housekeep();
    tick();
  });
}

void GroupCoordinator::housekeep() {
  if (stopped_) return;
  GroupTime t = host_->now();
  for (auto& [id, rt] : groups_) {
    auto gone = rt->group.expire_members(t, options_.rebalance_delay);
    for (const auto& m : gone) spdlog::info("group {}: member {} timed out", id, m);
    bool completed = rt->group.maybe_complete(
        t, [this](const std::string& topic) { return host_->partition_count(topic); });
    if (completed) {
      size_t n = rt->group.members().size();
      spdlog::info("group {}: generation {} with {} member{}", id, rt->group.generation(), n,
                   n == 1 ? "" : "s");
    }
    if (completed || !gone.empty()) rt->changed.notify_all();
  }
  expire_offsets(t);
  // A group nothing refers to any more: no members, offsets or writes, no coroutine holding it.
  std::erase_if(groups_,
                [](const auto& e) { return e.second.use_count() == 1 && e.second->idle(); });
  for (auto& [id, p] : partitions_) {
    if (!p->snapshot_due(t, options_.snapshot_bytes) || transactional_offsets_open(id)) continue;
    asio::co_spawn(executor_,
                   OffsetsPartition::snapshot(
                       p, [this, id = id] { return live_offsets(id); }, t),
                   asio::detached);
  }
}

bool GroupCoordinator::transactional_offsets_open(int32_t partition) const {
  return std::any_of(groups_.begin(), groups_.end(), [&](const auto& e) {
    return partition_of(e.first) == partition &&
           (!e.second->txn_offsets.empty() || e.second->txn_writing > 0);
  });
}

void GroupCoordinator::stop() {
  stopped_ = true;
  if (timer_) timer_->cancel();
  for (auto& [id, p] : partitions_) p->stop();
  for (auto& [id, rt] : groups_) {
    rt->changed.notify_all();
    rt->resolved.notify_all();
  }
}

}  // namespace cairn::broker
