// GroupCoordinator: membership. Joins wait for the rebalance they belong to; sync, heartbeat
// and leave answer at once; list and describe read the groups as they are.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>

#include "broker/group/coordinator.h"

namespace cairn::broker {

using protocol::ErrorCode;

awaitable<JoinResult> GroupCoordinator::join(JoinRequest request) {
  JoinResult out;
  if (!is_valid_group_id(request.group_id)) {
    out.error = ErrorCode::kInvalidGroupId;
    co_return out;
  }
  if (request.session_timeout < options_.min_session_timeout ||
      request.session_timeout > options_.max_session_timeout ||
      request.rebalance_timeout.count() <= 0) {
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
    member_id = (request.client_id.empty() ? "member" : request.client_id) + "-" + suffix;
  }
  Member m;
  m.id = member_id;
  m.client_id = std::move(request.client_id);
  m.host = std::move(request.client_host);
  m.topics = std::move(request.topics);
  std::sort(m.topics.begin(), m.topics.end());
  m.topics.erase(std::unique(m.topics.begin(), m.topics.end()), m.topics.end());
  m.strategy = request.strategy;
  m.session_timeout = request.session_timeout;
  m.rebalance_timeout = request.rebalance_timeout;
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

SyncResult GroupCoordinator::sync(const MemberRequest& request) {
  SyncResult out;
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

ErrorCode GroupCoordinator::heartbeat(const MemberRequest& request) {
  RuntimePtr rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return ErrorCode::kUnknownMemberId;
  }
  rt->group.touch(request.member_id, host_->now());
  if (rt->group.state() == GroupState::kPreparingRebalance) return ErrorCode::kRebalanceInProgress;
  if (request.generation != rt->group.generation()) return ErrorCode::kIllegalGeneration;
  return ErrorCode::kNone;
}

ErrorCode GroupCoordinator::leave(const std::string& group_id, const std::string& member_id) {
  RuntimePtr rt = existing(group_id);
  if (rt == nullptr || rt->group.find(member_id) == nullptr) return ErrorCode::kUnknownMemberId;
  rt->group.remove(member_id, host_->now(), options_.rebalance_delay);
  rt->changed.notify_all();
  spdlog::debug("group {}: member {} left", group_id, member_id);
  return ErrorCode::kNone;
}

std::vector<GroupListing> GroupCoordinator::list() const {
  std::vector<GroupListing> out;
  for (const auto& [id, rt] : groups_) {
    const Group& g = rt->group;
    if (g.members().empty() && g.offsets().empty()) continue;
    out.push_back({id, std::string(group_state_name(g.state())),
                   static_cast<int32_t>(g.members().size())});
  }
  return out;
}

GroupDescription GroupCoordinator::describe(const std::string& group_id) const {
  GroupDescription out;
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
  for (const auto& [id, m] : g.members()) {
    out.members.push_back({id, m.client_id, m.host, m.assignment});
  }
  return out;
}

}  // namespace cairn::broker
