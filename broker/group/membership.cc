// GroupCoordinator: membership. Joins wait for the rebalance they belong to; a sync waits for
// the leader's assignments in a client-assigned group and answers at once otherwise, as do
// heartbeat and leave; list and describe read the groups as they are.
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
  const bool client_assigned = !request.protocols.empty();
  if (client_assigned ? std::any_of(request.protocols.begin(), request.protocols.end(),
                                    [](const auto& p) { return p.name.empty(); })
                      : !is_known_strategy(request.strategy) || request.topics.empty()) {
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
  m.protocol_type = std::move(request.protocol_type);
  m.protocols = std::move(request.protocols);
  if (!group.accepts(m)) {
    out.error = ErrorCode::kInconsistentGroupProtocol;
    co_return out;
  }
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
  out.leader = group.leader();
  const bool assigns = group.client_assigned() && member_id == group.leader();
  for (const auto& [id, member] : group.members()) {
    MemberInfo info{id, member.client_id, {}};
    if (const auto* metadata = member.metadata_for(group.strategy()); assigns && metadata) {
      info.metadata = *metadata;
    }
    out.members.push_back(std::move(info));
  }
  out.protocol_type = group.protocol_type();
  co_return out;
}

awaitable<SyncResult> GroupCoordinator::sync(MemberRequest request) {
  SyncResult out;
  RuntimePtr rt = existing(request.group_id);
  if (rt == nullptr) {
    out.error = ErrorCode::kUnknownMemberId;
    co_return out;
  }
  Group& group = rt->group;
  // A client-assigned group's members wait here for the leader's assignments.
  for (;;) {
    Member* m = group.find(request.member_id);
    if (stopped_) {
      out.error = ErrorCode::kCoordinatorNotAvailable;
    } else if (m == nullptr) {
      out.error = ErrorCode::kUnknownMemberId;
    } else if (group.state() == GroupState::kPreparingRebalance) {
      out.error = ErrorCode::kRebalanceInProgress;
    } else if (request.generation != group.generation()) {
      out.error = ErrorCode::kIllegalGeneration;
    } else if (group.state() == GroupState::kCompletingRebalance &&
               request.member_id == group.leader()) {
      group.set_assignments(std::move(request.assignments));
      rt->changed.notify_all();
      continue;
    } else if (group.state() == GroupState::kCompletingRebalance) {
      group.touch(request.member_id, host_->now());
      co_await rt->changed.wait();
      continue;
    } else {
      group.touch(request.member_id, host_->now());
      out.assignment = m->assignment;
      out.client_assigned = m->client_assigned();
      out.client_assignment = m->client_assignment;
    }
    co_return out;
  }
}

ErrorCode GroupCoordinator::heartbeat(const MemberRequest& request) {
  RuntimePtr rt = existing(request.group_id);
  if (rt == nullptr || rt->group.find(request.member_id) == nullptr) {
    return ErrorCode::kUnknownMemberId;
  }
  rt->group.touch(request.member_id, host_->now());
  // A member waiting for its leader's assignments (CompletingRebalance) is told to go on.
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
                   static_cast<int32_t>(g.members().size()), std::string(g.protocol_type())});
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
  out.protocol_type = g.protocol_type();
  for (const auto& [id, m] : g.members()) {
    const auto* metadata = m.metadata_for(g.strategy());
    out.members.push_back({id, m.client_id, m.host, m.assignment,
                           metadata ? *metadata : std::vector<std::byte>{}, m.client_assignment});
  }
  return out;
}

}  // namespace cairn::broker
