#include "broker/group/coordinator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "broker/group/offset_log.h"
#include "broker/partition.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

constexpr auto kTick = std::chrono::milliseconds(50);
// Expired offsets are deleted in batches of about this size.
constexpr size_t kDeleteBatchBytes = 1 << 20;

bool valid_group_id(const std::string& id) { return !id.empty() && id.size() <= 200; }

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

std::shared_ptr<OffsetsPartition> GroupCoordinator::offsets_partition(const std::string& group_id) const {
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
    auto offsets = part->load();
    if (!offsets) {
      std::string repair = p->log() ? "; stop cairnd and run `cairn log repair " + p->log()->dir().string() +
                                          "` (a dry run; add --yes to cut the log back to its valid prefix)"
                                    : "";
      spdlog::error("offsets partition {} cannot be loaded: {}. Its groups answer "
                    "COORDINATOR_NOT_AVAILABLE until it is repaired{}",
                    p->id(), offsets.error().to_string(), repair);
      continue;
    }
    ++loaded;
    for (auto& [group_id, group_offsets] : *offsets) {
      // The retention clock restarts at the commit's stored time, never later than now.
      for (auto& [tp, c] : group_offsets) {
        int64_t age_ms = std::clamp<int64_t>(wall - c.commit_time_ms, 0, 10LL * 365 * 24 * 3600 * 1000);
        c.committed_at = t - std::chrono::milliseconds(age_ms);
      }
      runtime(group_id)->group.offsets() = std::move(group_offsets);
      ++groups;
    }
  }
  if (loaded > 0) spdlog::debug("loaded committed offsets of {} groups from {} partitions", groups, loaded);
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
      spdlog::info("group {}: generation {} with {} members", id, rt->group.generation(),
                   rt->group.members().size());
    }
    if (completed || !gone.empty()) rt->changed.notify_all();
  }
  expire_offsets(t);
  // A group nothing refers to any more: no members, offsets or writes, no coroutine holding it.
  std::erase_if(groups_, [](const auto& e) { return e.second.use_count() == 1 && e.second->idle(); });
  for (auto& [id, p] : partitions_) {
    if (!p->snapshot_due(t, options_.snapshot_bytes)) continue;
    asio::co_spawn(executor_,
                   OffsetsPartition::snapshot(p, [this, id = id] { return live_offsets(id); }, t),
                   asio::detached);
  }
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
  if (ErrorCode e = availability(request.group_id); e != ErrorCode::kNone) {
    out.error = e;
    co_return out;
  }
  RuntimePtr rt = runtime(request.group_id);
  Group& group = rt->group;
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
  rt->changed.notify_all();
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
    co_await rt->changed.wait();
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
  RuntimePtr rt = existing(request.group_id);
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
  RuntimePtr rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return {ErrorCode::kUnknownMemberId};
  }
  rt->group.touch(request.member_id, host_->now());
  if (rt->group.state() == GroupState::kPreparingRebalance) return {ErrorCode::kRebalanceInProgress};
  if (request.generation != rt->group.generation()) return {ErrorCode::kIllegalGeneration};
  return {ErrorCode::kNone};
}

protocol::GroupErrorResponse GroupCoordinator::leave(const protocol::LeaveGroupRequest& request) {
  RuntimePtr rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return {ErrorCode::kUnknownMemberId};
  }
  rt->group.remove(request.member_id, host_->now(), options_.rebalance_delay);
  rt->changed.notify_all();
  spdlog::debug("group {}: member {} left", request.group_id, request.member_id);
  return {ErrorCode::kNone};
}

awaitable<protocol::OffsetCommitResponse> GroupCoordinator::commit(
    protocol::OffsetCommitRequest request) {
  // One answer per partition asked, in the request's order.
  protocol::OffsetCommitResponse out;
  for (const auto& t : request.topics) {
    auto& tr = out.topics.emplace_back();
    tr.name = t.name;
    for (const auto& p : t.partitions) tr.partitions.push_back({p.partition, ErrorCode::kNone});
  }
  auto fail_all = [&](ErrorCode code) {
    for (auto& t : out.topics) {
      for (auto& p : t.partitions) p.error = code;
    }
  };
  if (!valid_group_id(request.group_id)) {
    fail_all(ErrorCode::kInvalidGroupId);
    co_return out;
  }
  if (ErrorCode e = availability(request.group_id); e != ErrorCode::kNone) {
    fail_all(e);
    co_return out;
  }

  // Each partition must exist and its offset lie in 0..log end (an offline one is not checked).
  std::vector<TopicPartitionRef> asked;
  std::vector<std::pair<size_t, size_t>> where;  // (topic, partition) index of each asked
  for (size_t i = 0; i < request.topics.size(); ++i) {
    for (size_t j = 0; j < request.topics[i].partitions.size(); ++j) {
      const auto& p = request.topics[i].partitions[j];
      if (p.offset < 0) {
        out.topics[i].partitions[j].error = ErrorCode::kOffsetOutOfRange;
        continue;
      }
      asked.push_back({request.topics[i].name, p.partition});
      where.emplace_back(i, j);
    }
  }
  auto ends = co_await host_->log_ends(std::move(asked));
  for (size_t k = 0; k < where.size() && k < ends.size(); ++k) {
    auto [i, j] = where[k];
    ErrorCode& error = out.topics[i].partitions[j].error;
    if (!ends[k]) {
      if (ends[k].error().code() == Status::Code::kNotFound) error = ErrorCode::kUnknownTopicOrPartition;
    } else if (request.topics[i].partitions[j].offset > ends[k]->value()) {
      error = ErrorCode::kOffsetOutOfRange;
    }
  }
  // The broker may have begun stopping while the log ends were looked up.
  if (ErrorCode e = availability(request.group_id); e != ErrorCode::kNone) {
    fail_all(e);
    co_return out;
  }

  RuntimePtr rt = runtime(request.group_id);
  Group& group = rt->group;
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
  GroupTime accepted = host_->now();
  int64_t when = to_millis(system_now());
  auto records = std::make_shared<std::vector<OffsetRecord>>();
  std::vector<TopicPartitionKey> keys;
  for (size_t i = 0; i < request.topics.size(); ++i) {
    for (size_t j = 0; j < request.topics[i].partitions.size(); ++j) {
      if (out.topics[i].partitions[j].error != ErrorCode::kNone) continue;
      auto& p = request.topics[i].partitions[j];
      records->push_back({request.group_id, request.topics[i].name, p.partition,
                          CommittedOffset{p.offset, std::move(p.metadata), when, accepted}});
      keys.emplace_back(request.topics[i].name, p.partition);
    }
  }
  if (records->empty()) co_return out;

  // Accepted: pending from here until stored or failed.
  uint64_t id = ++next_commit_;
  rt->pending[id] = std::move(keys);
  auto part = offsets_partition(request.group_id);
  Status s = Status::unavailable("the broker is stopping");
  if (co_await part->wait_until_writable()) {
    auto batch = std::make_shared<std::vector<std::byte>>(encode_offset_batch(*records, system_now()));
    auto result = std::make_shared<std::optional<Status>>();
    auto done = std::make_shared<Notifier>(executor_);
    // Applied in the callback, which runs in log order: memory follows the log.
    part->write(batch, [rt, records, id, result, done](Status written) {
      if (written.is_ok()) {
        for (auto& r : *records) rt->group.offsets()[{r.topic, r.partition}] = std::move(*r.value);
      }
      rt->pending.erase(id);
      rt->resolved.notify_all();
      *result = std::move(written);
      done->notify_all();
    });
    while (!*result) co_await done->wait();
    s = **result;
  } else {
    rt->pending.erase(id);
    rt->resolved.notify_all();
  }
  if (!s.is_ok()) spdlog::warn("group {}: commit failed: {}", request.group_id, s.to_string());
  for (auto& t : out.topics) {
    for (auto& p : t.partitions) {
      if (p.error == ErrorCode::kNone && !s.is_ok()) p.error = ErrorCode::kCoordinatorNotAvailable;
    }
  }
  co_return out;
}

awaitable<protocol::OffsetFetchResponse> GroupCoordinator::fetch_offsets(protocol::OffsetFetchRequest request) {
  protocol::OffsetFetchResponse out;
  ErrorCode error = availability(request.group_id);
  RuntimePtr rt = error == ErrorCode::kNone ? existing(request.group_id) : nullptr;
  if (rt) {
    // Answer no offset older than a commit already accepted: wait for those pending now.
    std::set<TopicPartitionKey> asked;
    if (request.topics) {
      for (const auto& t : *request.topics) {
        for (int32_t p : t.partitions) asked.emplace(t.topic, p);
      }
    }
    std::vector<uint64_t> waiting;
    for (const auto& [id, keys] : rt->pending) {
      if (!request.topics || std::any_of(keys.begin(), keys.end(), [&](const auto& k) { return asked.count(k); })) {
        waiting.push_back(id);
      }
    }
    while (!waiting.empty() && !stopped_) {
      co_await rt->resolved.wait();
      std::erase_if(waiting, [&](uint64_t id) { return !rt->pending.count(id); });
    }
    if (!waiting.empty()) error = ErrorCode::kCoordinatorNotAvailable;
  }
  out.error = error;
  if (request.topics) {
    for (const auto& t : *request.topics) {
      auto& tr = out.topics.emplace_back();
      tr.name = t.topic;
      for (int32_t p : t.partitions) {
        protocol::FetchedOffset f;
        f.partition = p;
        f.error = error;
        if (rt && error == ErrorCode::kNone) {
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
  if (rt == nullptr || error != ErrorCode::kNone) co_return out;
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
  if (ErrorCode e = availability(group_id); e != ErrorCode::kNone) {
    out.error = e;
    return out;
  }
  RuntimePtr rt = existing(group_id);
  if (rt == nullptr || (rt->group.members().empty() && rt->group.offsets().empty())) {
    out.error = ErrorCode::kGroupIdNotFound;
    return out;
  }
  const Group& g = rt->group;
  out.state = group_state_name(g.state());
  out.strategy = g.strategy();
  out.generation = g.generation();
  for (const auto& [id, m] : g.members()) out.members.push_back({id, m.client_id, m.host, m.assignment});
  return out;
}

void GroupCoordinator::expire_offsets(GroupTime t) {
  struct Expiring {
    RuntimePtr rt;
    TopicPartitionKey key;
    GroupTime committed_at;
  };
  std::map<int32_t, std::vector<Expiring>> by_partition;
  for (const auto& [id, rt] : groups_) {
    auto part = offsets_partition(id);
    if (part == nullptr || !part->may_expire(t)) continue;
    std::set<TopicPartitionKey> busy(rt->expiring);
    for (const auto& [commit, keys] : rt->pending) busy.insert(keys.begin(), keys.end());
    size_t n = 0;
    for (auto& key : rt->group.expired_offsets(t, options_.offsets_retention)) {
      if (busy.count(key)) continue;
      GroupTime at = rt->group.offsets().at(key).committed_at;
      by_partition[part->id()].push_back({rt, std::move(key), at});
      ++n;
    }
    if (n > 0) spdlog::info("group {}: deleting {} offsets older than the offsets retention", id, n);
  }
  for (auto& [partition, items] : by_partition) {
    auto part = partitions_.at(partition);
    // Batches of about kDeleteBatchBytes, each deleting its offsets from memory once stored.
    size_t first = 0;
    while (first < items.size()) {
      auto chunk = std::make_shared<std::vector<Expiring>>();
      std::vector<OffsetRecord> tombstones;
      size_t bytes = 0;
      for (; first < items.size() && (chunk->empty() || bytes < kDeleteBatchBytes); ++first) {
        auto& e = items[first];
        tombstones.push_back({e.rt->group.id(), e.key.first, e.key.second, std::nullopt});
        bytes += offset_record_bytes(tombstones.back());
        e.rt->expiring.insert(e.key);
        chunk->push_back(std::move(e));
      }
      auto batch = std::make_shared<std::vector<std::byte>>(encode_offset_batch(tombstones, system_now()));
      part->write(batch, [chunk, part, t](Status written) {
        for (auto& e : *chunk) {
          e.rt->expiring.erase(e.key);
          if (!written.is_ok()) continue;
          // A commit stored since then keeps its offset.
          auto& offsets = e.rt->group.offsets();
          auto it = offsets.find(e.key);
          if (it != offsets.end() && it->second.committed_at == e.committed_at) offsets.erase(it);
        }
        part->expiry_written(written, t);
      });
    }
  }
}

std::vector<OffsetRecord> GroupCoordinator::live_offsets(int32_t partition) const {
  std::vector<OffsetRecord> out;
  for (const auto& [id, rt] : groups_) {
    if (partition_of(id) != partition) continue;
    for (const auto& [tp, c] : rt->group.offsets()) out.push_back({id, tp.first, tp.second, c});
  }
  return out;
}

}  // namespace cairn::broker
