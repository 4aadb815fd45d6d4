#include "broker/group/coordinator.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include "broker/group/offset_log.h"
#include "broker/partition.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

constexpr auto kTick = std::chrono::milliseconds(50);

bool valid_group_id(const std::string& id) { return !id.empty() && id.size() <= 200; }

}  // namespace

GroupCoordinator::GroupCoordinator(std::unique_ptr<GroupHost> host, GroupOptions options,
                                   asio::any_io_executor executor)
    : host_(std::move(host)), options_(options), executor_(std::move(executor)) {}

int32_t GroupCoordinator::partition_of(const std::string& group_id) const {
  return offsets_partition_for(group_id, host_->offsets_partition_count());
}

GroupCoordinator::Runtime* GroupCoordinator::existing(const std::string& group_id) {
  auto it = groups_.find(group_id);
  return it == groups_.end() ? nullptr : it->second.get();
}

GroupCoordinator::Runtime& GroupCoordinator::runtime(const std::string& group_id) {
  auto& slot = groups_[group_id];
  if (!slot) slot = std::make_unique<Runtime>(group_id, host_->now(), executor_);
  return *slot;
}

Status GroupCoordinator::load() {
  size_t groups = 0, partitions = 0;
  for (Partition* p : host_->offsets_partitions()) {
    if (!p->log()) {
      spdlog::error("offsets partition {} is offline ({}); its groups' commits are unavailable",
                    p->id(), p->offline_reason().message());
      continue;
    }
    ++partitions;
    OffsetReplay replay;
    const auto& log = *p->log();
    Offset next = log.log_start_offset();
    while (next < log.high_watermark()) {
      auto slice = log.read(next, 4 << 20);
      if (!slice) return slice.error().with_context("replaying offsets partition " + std::to_string(p->id()));
      std::vector<std::byte> bytes(slice->size_bytes);
      auto n = slice->file->read_at(slice->position, bytes);
      if (!n) return n.error();
      protocol::Bytes rest(bytes);
      while (!rest.empty()) {
        auto batch = protocol::RecordBatchView::parse(rest, protocol::Verify::kStored);
        if (!batch) return batch.error().with_context("offsets partition " + std::to_string(p->id()));
        CAIRN_RETURN_IF_ERROR(replay.apply(*batch));
        rest = rest.subspan(batch->bytes().size());
      }
      next = slice->next_offset;
    }
    bytes_since_snapshot_[p->id()] = log.size_bytes();
    for (auto& [group_id, offsets] : replay.offsets()) {
      runtime(group_id).group.offsets() = std::move(offsets);
      ++groups;
    }
  }
  if (partitions > 0) {
    spdlog::debug("loaded committed offsets of {} groups from {} partitions", groups, partitions);
  }
  return Status::ok();
}

void GroupCoordinator::start() {
  timer_ = std::make_unique<asio::steady_timer>(executor_);
  tick();
}

void GroupCoordinator::tick() {
  timer_->expires_after(kTick);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    housekeep();
    tick();
  });
}

void GroupCoordinator::housekeep() {
  GroupTime t = host_->now();
  for (auto& [id, rt] : groups_) {
    auto gone = rt->group.expire_members(t, options_.rebalance_delay);
    for (const auto& m : gone) spdlog::info("group {}: member {} timed out", id, m);
    bool completed = rt->group.maybe_complete(
        t, [this](const std::string& topic) { return host_->partition_count(topic); });
    if (completed) {
      spdlog::info("group {}: generation {} with {} members", id, rt->group.generation(),
                   rt->group.members().size());
    }
    if (completed || !gone.empty()) rt->changed.notify_all();
  }
  expire_offsets(t);
  for (auto& [p, bytes] : bytes_since_snapshot_) {
    if (bytes > options_.snapshot_bytes) maybe_snapshot(p);
  }
}

void GroupCoordinator::stop() {
  stopped_ = true;
  for (auto& [id, rt] : groups_) rt->changed.notify_all();
}

awaitable<protocol::JoinGroupResponse> GroupCoordinator::join(protocol::JoinGroupRequest request,
                                                              std::string client_id,
                                                              std::string host) {
  protocol::JoinGroupResponse out;
  if (!valid_group_id(request.group_id)) {
    out.error = ErrorCode::kInvalidGroupId;
    co_return out;
  }
  auto session = std::chrono::milliseconds(request.session_timeout_ms);
  if (session < options_.min_session_timeout || session > options_.max_session_timeout ||
      request.rebalance_timeout_ms <= 0) {
    out.error = ErrorCode::kInvalidSessionTimeout;
    co_return out;
  }
  if (!is_known_strategy(request.strategy) || request.topics.empty()) {
    out.error = ErrorCode::kInvalidRequest;
    co_return out;
  }
  Runtime& rt = runtime(request.group_id);
  Group& group = rt.group;
  if (!request.member_id.empty() && group.find(request.member_id) == nullptr) {
    out.error = ErrorCode::kUnknownMemberId;
    co_return out;
  }
  std::string member_id = request.member_id;
  if (member_id.empty()) {
    char suffix[17];
    std::snprintf(suffix, sizeof suffix, "%016llx", static_cast<unsigned long long>(rng_()));
    member_id = (client_id.empty() ? "member" : client_id) + "-" + suffix;
  }
  Member m;
  m.id = member_id;
  m.client_id = std::move(client_id);
  m.host = std::move(host);
  m.topics = std::move(request.topics);
  std::sort(m.topics.begin(), m.topics.end());
  m.topics.erase(std::unique(m.topics.begin(), m.topics.end()), m.topics.end());
  m.strategy = request.strategy;
  m.session_timeout = session;
  m.rebalance_timeout = std::chrono::milliseconds(request.rebalance_timeout_ms);
  int32_t joined_at = group.generation();
  group.join(std::move(m), host_->now(), options_.rebalance_delay);
  rt.changed.notify_all();
  spdlog::debug("group {}: member {} joins", request.group_id, member_id);

  // Wait for the rebalance this join belongs to: the generation moves past the one we saw.
  for (;;) {
    if (stopped_) {
      out.error = ErrorCode::kCoordinatorNotAvailable;
      co_return out;
    }
    if (group.find(member_id) == nullptr) {
      out.error = ErrorCode::kUnknownMemberId;
      co_return out;
    }
    if (group.generation() > joined_at && group.state() != GroupState::kEmpty) break;
    co_await rt.changed.wait();
  }
  out.generation = group.generation();
  out.member_id = member_id;
  out.strategy = group.strategy();
  out.leader = group.members().begin()->first;
  for (const auto& [id, member] : group.members()) out.members.push_back({id, member.client_id});
  co_return out;
}

protocol::SyncGroupResponse GroupCoordinator::sync(const protocol::SyncGroupRequest& request) {
  protocol::SyncGroupResponse out;
  Runtime* rt = existing(request.group_id);
  Member* m = rt ? rt->group.find(request.member_id) : nullptr;
  if (m == nullptr) {
    out.error = ErrorCode::kUnknownMemberId;
  } else if (rt->group.state() == GroupState::kPreparingRebalance) {
    out.error = ErrorCode::kRebalanceInProgress;
  } else if (request.generation != rt->group.generation()) {
    out.error = ErrorCode::kIllegalGeneration;
  } else {
    rt->group.touch(request.member_id, host_->now());
    out.assignment = m->assignment;
  }
  return out;
}

protocol::GroupErrorResponse GroupCoordinator::heartbeat(const protocol::HeartbeatRequest& request) {
  Runtime* rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return {ErrorCode::kUnknownMemberId};
  }
  rt->group.touch(request.member_id, host_->now());
  if (rt->group.state() == GroupState::kPreparingRebalance) return {ErrorCode::kRebalanceInProgress};
  if (request.generation != rt->group.generation()) return {ErrorCode::kIllegalGeneration};
  return {ErrorCode::kNone};
}

protocol::GroupErrorResponse GroupCoordinator::leave(const protocol::LeaveGroupRequest& request) {
  Runtime* rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return {ErrorCode::kUnknownMemberId};
  }
  rt->group.remove(request.member_id, host_->now(), options_.rebalance_delay);
  rt->changed.notify_all();
  spdlog::debug("group {}: member {} left", request.group_id, request.member_id);
  return {ErrorCode::kNone};
}

awaitable<Status> GroupCoordinator::append(int32_t partition,
                                           std::shared_ptr<std::vector<std::byte>> batch) {
  Partition* p = host_->offsets_partition(partition);
  if (p == nullptr || !p->log()) {
    co_return Status::unavailable("offsets partition " + std::to_string(partition) + " is offline");
  }
  bytes_since_snapshot_[partition] += batch->size();
  auto result = std::make_shared<std::optional<Status>>();
  auto done = std::make_shared<Notifier>(executor_);
  p->log()->append(*batch, [batch, result, done](Result<storage::AppendResult> r) {
    *result = r.status();
    done->notify_all();
  });
  while (!*result) co_await done->wait();
  co_return **result;
}

awaitable<protocol::OffsetCommitResponse> GroupCoordinator::commit(
    protocol::OffsetCommitRequest request) {
  protocol::OffsetCommitResponse out;
  auto fail_all = [&](ErrorCode code) {
    for (const auto& t : request.topics) {
      auto& tr = out.topics.emplace_back();
      tr.name = t.name;
      for (const auto& p : t.partitions) tr.partitions.push_back({p.partition, code});
    }
  };
  if (!valid_group_id(request.group_id)) {
    fail_all(ErrorCode::kInvalidGroupId);
    co_return out;
  }
  Runtime& rt = runtime(request.group_id);
  Group& group = rt.group;
  if (request.generation < 0) {
    if (!group.members().empty()) {
      fail_all(ErrorCode::kNonEmptyGroup);
      co_return out;
    }
  } else if (group.find(request.member_id) == nullptr) {
    fail_all(ErrorCode::kUnknownMemberId);
    co_return out;
  } else if (request.generation != group.generation()) {
    fail_all(ErrorCode::kIllegalGeneration);
    co_return out;
  } else {
    group.touch(request.member_id, host_->now());
  }
  std::vector<OffsetRecord> records;
  int64_t when = to_millis(system_now());
  for (const auto& t : request.topics) {
    for (const auto& p : t.partitions) {
      records.push_back({request.group_id, t.name, p.partition, CommittedOffset{p.offset, p.metadata, when}});
    }
  }
  Status s = Status::ok();
  if (!records.empty()) {
    auto batch = std::make_shared<std::vector<std::byte>>(encode_offset_batch(records, system_now()));
    s = co_await append(partition_of(request.group_id), batch);
  }
  if (s.is_ok()) {
    for (auto& r : records) group.offsets()[{r.topic, r.partition}] = *r.value;
  } else {
    spdlog::warn("group {}: commit failed: {}", request.group_id, s.to_string());
  }
  fail_all(s.is_ok() ? ErrorCode::kNone : ErrorCode::kCoordinatorNotAvailable);
  co_return out;
}

awaitable<protocol::OffsetFetchResponse> GroupCoordinator::fetch_offsets(protocol::OffsetFetchRequest request) {
  protocol::OffsetFetchResponse out;
  Runtime* rt = existing(request.group_id);
  if (request.topics) {
    for (const auto& t : *request.topics) {
      auto& tr = out.topics.emplace_back();
      tr.name = t.topic;
      for (int32_t p : t.partitions) {
        protocol::FetchedOffset f;
        f.partition = p;
        if (rt) {
          auto it = rt->group.offsets().find({t.topic, p});
          if (it != rt->group.offsets().end()) {
            f.offset = it->second.offset;
            f.metadata = it->second.metadata;
          }
        }
        tr.partitions.push_back(std::move(f));
      }
    }
    co_return out;
  }
  if (rt == nullptr) co_return out;
  for (const auto& [tp, c] : rt->group.offsets()) {
    if (out.topics.empty() || out.topics.back().name != tp.first) out.topics.push_back({tp.first, {}});
    out.topics.back().partitions.push_back({tp.second, c.offset, c.metadata, ErrorCode::kNone});
  }
  co_return out;
}

std::vector<protocol::GroupListing> GroupCoordinator::list() const {
  std::vector<protocol::GroupListing> out;
  for (const auto& [id, rt] : groups_) {
    const Group& g = rt->group;
    if (g.members().empty() && g.offsets().empty()) continue;
    out.push_back({id, std::string(group_state_name(g.state())),
                   static_cast<int32_t>(g.members().size())});
  }
  return out;
}

protocol::DescribedGroup GroupCoordinator::describe(const std::string& group_id) const {
  protocol::DescribedGroup out;
  out.group_id = group_id;
  auto it = groups_.find(group_id);
  if (it == groups_.end() || (it->second->group.members().empty() && it->second->group.offsets().empty())) {
    out.error = ErrorCode::kGroupIdNotFound;
    return out;
  }
  const Group& g = it->second->group;
  out.state = group_state_name(g.state());
  out.strategy = g.strategy();
  out.generation = g.generation();
  for (const auto& [id, m] : g.members()) out.members.push_back({id, m.client_id, m.host, m.assignment});
  return out;
}

void GroupCoordinator::expire_offsets(GroupTime t) {
  std::vector<std::string> expired;
  for (const auto& [id, rt] : groups_) {
    const Group& g = rt->group;
    if (g.members().empty() && t - g.empty_since() > options_.offsets_retention) expired.push_back(id);
  }
  for (const auto& id : expired) {
    Group& g = groups_[id]->group;
    if (!g.offsets().empty()) {
      std::vector<OffsetRecord> tombstones;
      for (const auto& [tp, c] : g.offsets()) tombstones.push_back({id, tp.first, tp.second, std::nullopt});
      spdlog::info("group {}: empty for longer than the offsets retention; deleting {} offsets", id,
                   tombstones.size());
      auto batch = std::make_shared<std::vector<std::byte>>(encode_offset_batch(tombstones, system_now()));
      if (Partition* p = host_->offsets_partition(partition_of(id)); p && p->log()) {
        bytes_since_snapshot_[p->id()] += batch->size();
        p->log()->append(*batch, [batch](Result<storage::AppendResult>) {});
      }
    }
    groups_.erase(id);
  }
}

void GroupCoordinator::maybe_snapshot(int32_t partition) {
  if (snapshot_running_[partition]) return;
  Partition* p = host_->offsets_partition(partition);
  if (p == nullptr || !p->log()) return;
  std::vector<OffsetRecord> records;
  for (const auto& [id, rt] : groups_) {
    if (partition_of(id) != partition) continue;
    for (const auto& [tp, c] : rt->group.offsets()) records.push_back({id, tp.first, tp.second, c});
  }
  auto batch = std::make_shared<std::vector<std::byte>>(encode_offset_snapshot(records, system_now()));
  snapshot_running_[partition] = true;
  p->log()->append(*batch, [this, batch, partition](Result<storage::AppendResult> r) {
    snapshot_running_[partition] = false;
    if (!r) {
      spdlog::warn("offsets partition {}: snapshot failed: {}", partition, r.error().to_string());
      return;
    }
    bytes_since_snapshot_[partition] = batch->size();
    // Everything before the snapshot is superseded by it.
    if (Partition* part = host_->offsets_partition(partition); part && part->log()) {
      auto deleted = part->log()->delete_segments_before(r->base_offset);
      if (!deleted) spdlog::warn("offsets partition {}: {}", partition, deleted.error().to_string());
    }
  });
}

}  // namespace cairn::broker
