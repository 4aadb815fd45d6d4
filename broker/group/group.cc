#include "broker/group/group.h"

#include "broker/group/cooperative_assignor.h"

#include <algorithm>

namespace cairn::broker {

bool is_valid_group_id(std::string_view id) { return !id.empty() && id.size() <= 200; }

std::string_view group_state_name(GroupState state) {
  switch (state) {
    case GroupState::kEmpty: return "Empty";
    case GroupState::kPreparingRebalance: return "PreparingRebalance";
    case GroupState::kCompletingRebalance: return "CompletingRebalance";
    case GroupState::kStable: return "Stable";
  }
  return "Unknown";
}

const std::vector<std::byte>* Member::metadata_for(std::string_view protocol) const {
  for (const auto& p : protocols) {
    if (p.name == protocol) return &p.metadata;
  }
  return nullptr;
}

bool Group::accepts(const Member& member) const {
  bool first = true;
  for (const auto& [id, m] : members_) {
    if (id == member.id) continue;
    if (m.client_assigned() != member.client_assigned() ||
        m.protocol_type != member.protocol_type) {
      return false;
    }
    first = false;
  }
  if (first || !member.client_assigned()) return true;
  return std::any_of(member.protocols.begin(), member.protocols.end(), [&](const auto& p) {
    return std::all_of(members_.begin(), members_.end(), [&](const auto& e) {
      return e.first == member.id || e.second.metadata_for(p.name) != nullptr;
    });
  });
}

void Group::set_assignments(
    std::vector<std::pair<std::string, std::vector<std::byte>>> assignments) {
  for (auto& [id, bytes] : assignments) {
    if (Member* m = find(id)) m->client_assignment = std::move(bytes);
  }
  state_ = GroupState::kStable;
}

void Group::await_leader(GroupTime now) {
  if (find(leader_) == nullptr) leader_ = members_.begin()->first;
  const Member& leader = members_.at(leader_);
  // The leader's first protocol that every member offers (accepts() kept one in common).
  strategy_ = leader.protocols.front().name;
  for (const auto& p : leader.protocols) {
    bool everyone = std::all_of(members_.begin(), members_.end(), [&](const auto& e) {
      return e.second.metadata_for(p.name) != nullptr;
    });
    if (everyone) {
      strategy_ = p.name;
      break;
    }
  }
  std::chrono::milliseconds longest{0};
  for (auto& [id, m] : members_) {
    m.client_assignment.clear();
    m.joined = false;
    m.last_seen = now;
    longest = std::max(longest, m.rebalance_timeout);
  }
  deadline_ = now + longest;
  state_ = GroupState::kCompletingRebalance;
}

Member* Group::find(const std::string& member_id) {
  auto it = members_.find(member_id);
  return it == members_.end() ? nullptr : &it->second;
}

void Group::start_rebalance(GroupTime now, std::chrono::milliseconds delay) {
  if (state_ == GroupState::kPreparingRebalance) return;
  state_ = GroupState::kPreparingRebalance;
  window_end_ = now + delay;
  std::chrono::milliseconds longest{0};
  for (auto& [id, m] : members_) {
    m.joined = false;
    longest = std::max(longest, m.rebalance_timeout);
  }
  deadline_ = now + std::max(longest, delay);
}

Member& Group::join(Member member, GroupTime now, std::chrono::milliseconds delay) {
  member.last_seen = now;
  auto it = members_.find(member.id);
  if (it == members_.end()) {
    start_rebalance(now, delay);
    deadline_ = std::max(deadline_, now + member.rebalance_timeout);
    member.joined = true;
    return members_[member.id] = std::move(member);
  }
  Member& m = it->second;
  bool changed = m.topics != member.topics || m.strategy != member.strategy;
  // A rejoin outside a rebalance means the member lost its assignment: rebalance.
  if (changed || state_ != GroupState::kPreparingRebalance) start_rebalance(now, delay);
  m.topics = std::move(member.topics);
  m.strategy = std::move(member.strategy);
  m.protocol_type = std::move(member.protocol_type);
  m.protocols = std::move(member.protocols);
  m.session_timeout = member.session_timeout;
  m.rebalance_timeout = member.rebalance_timeout;
  m.client_id = std::move(member.client_id);
  m.host = std::move(member.host);
  m.last_seen = now;
  m.joined = true;
  return m;
}

void Group::remove(const std::string& member_id, GroupTime now, std::chrono::milliseconds delay) {
  if (members_.erase(member_id) == 0) return;
  if (members_.empty()) {
    state_ = GroupState::kEmpty;
    ++generation_;
    empty_since_ = now;
    return;
  }
  start_rebalance(now, delay);
}

void Group::touch(const std::string& member_id, GroupTime now) {
  if (Member* m = find(member_id)) m->last_seen = now;
}

std::vector<std::string> Group::expire_members(GroupTime now, std::chrono::milliseconds delay) {
  std::vector<std::string> gone;
  for (const auto& [id, m] : members_) {
    bool waiting = state_ == GroupState::kPreparingRebalance && m.joined;
    if (!waiting && now - m.last_seen > m.session_timeout) gone.push_back(id);
  }
  if (state_ == GroupState::kCompletingRebalance && now >= deadline_ &&
      std::find(gone.begin(), gone.end(), leader_) == gone.end()) {
    gone.push_back(leader_);  // it never sent the assignments
  }
  for (const auto& id : gone) remove(id, now, delay);
  return gone;
}

bool Group::maybe_complete(GroupTime now, const PartitionCounts& partitions) {
  if (state_ != GroupState::kPreparingRebalance) return false;
  bool all_joined =
      std::all_of(members_.begin(), members_.end(), [](const auto& e) { return e.second.joined; });
  if (!((all_joined && now >= window_end_) || now >= deadline_)) return false;
  std::erase_if(members_, [](const auto& e) { return !e.second.joined; });
  ++generation_;
  if (members_.empty()) {
    state_ = GroupState::kEmpty;
    empty_since_ = now;
    return true;
  }
  if (client_assigned()) {
    await_leader(now);
    return true;
  }
  leader_ = members_.begin()->first;
  std::vector<Subscription> subs;
  std::map<std::string, int32_t> counts;
  for (const auto& [id, m] : members_) {
    subs.push_back({id, m.topics});
    for (const auto& t : m.topics) counts[t] = partitions(t);
  }
  strategy_ = members_.begin()->second.strategy;
  Assignment assignment;
  if (is_cooperative_strategy(strategy_)) {
    // What each member owns is what the previous generation gave it: a cooperative member
    // keeps it through the rebalance.
    Assignment previous;
    for (const auto& [id, m] : members_) previous[id] = m.assignment;
    assignment = assign_cooperative_sticky(subs, counts, previous);
  } else {
    assignment = assign(strategy_, subs, counts);
  }
  for (auto& [id, m] : members_) {
    m.assignment = assignment[id];
    m.joined = false;
    m.last_seen = now;
  }
  state_ = GroupState::kStable;
  return true;
}

std::vector<TopicPartitionKey> Group::expired_offsets(GroupTime now,
                                                      std::chrono::milliseconds retention) const {
  std::vector<TopicPartitionKey> out;
  if (!members_.empty()) return out;
  for (const auto& [tp, c] : offsets_) {
    if (now - std::max(c.committed_at, empty_since_) > retention) out.push_back(tp);
  }
  return out;
}

}  // namespace cairn::broker
