#pragma once

// Group: one consumer group's membership and committed offsets, as its coordinator keeps them.
// Plain synchronous state; the coordinator (coordinator.h) drives it with time and requests and
// persists the offsets. Used on the coordinator's shard only.
//
// States: Empty (no members) -> PreparingRebalance (a join, leave, timeout or subscription
// change; every member must rejoin) -> Stable (assignment computed, generation bumped). The
// rebalance is eager: a member learns of it from its heartbeat, gives up its partitions
// (committing first) and rejoins; the new assignment exists only once every member has rejoined
// or the rebalance timeout has passed, so no partition has two owners in one generation.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "broker/group/assignor.h"

namespace cairn::broker {

using GroupTime = std::chrono::steady_clock::time_point;

// Group ids are 1 to 200 characters (PROTOCOL.md, INVALID_GROUP_ID).
bool is_valid_group_id(std::string_view id);

enum class GroupState { kEmpty, kPreparingRebalance, kStable };
std::string_view group_state_name(GroupState state);

struct Member {
  std::string id;
  std::string client_id;
  std::string host;
  std::vector<std::string> topics;
  std::string strategy;
  std::chrono::milliseconds session_timeout{10000};
  std::chrono::milliseconds rebalance_timeout{30000};
  GroupTime last_seen;
  bool joined = false;  // has (re)joined in the rebalance under way
  std::vector<TopicPartitions> assignment;
};

struct CommittedOffset {
  int64_t offset = 0;
  std::string metadata;
  int64_t commit_time_ms = 0;  // wall clock, as stored
  // When it was committed, on the coordinator's steady clock (not stored): the retention clock.
  GroupTime committed_at{};
};

using TopicPartitionKey = std::pair<std::string, int32_t>;

class Group {
 public:
  using PartitionCounts = std::function<int32_t(const std::string& topic)>;

  explicit Group(std::string id) : id_(std::move(id)) {}

  const std::string& id() const { return id_; }
  GroupState state() const { return state_; }
  int32_t generation() const { return generation_; }
  const std::string& strategy() const { return strategy_; }
  const std::map<std::string, Member>& members() const { return members_; }
  Member* find(const std::string& member_id);

  // A member joins (new, or rejoining). Starts a rebalance unless one is under way.
  Member& join(Member member, GroupTime now, std::chrono::milliseconds delay);
  // A member leaves or times out. Starts a rebalance if members remain.
  void remove(const std::string& member_id, GroupTime now, std::chrono::milliseconds delay);
  void touch(const std::string& member_id, GroupTime now);
  // Members silent for longer than their session timeout; a member waiting in a rebalance
  // counts as alive. Removes them and returns their ids.
  std::vector<std::string> expire_members(GroupTime now, std::chrono::milliseconds delay);
  // Completes a rebalance when every member has rejoined (and the join window has passed) or
  // the rebalance deadline has: drops the members that did not rejoin, assigns the partitions of
  // the subscribed topics, bumps the generation. True if it completed.
  bool maybe_complete(GroupTime now, const PartitionCounts& partitions);
  GroupTime rebalance_deadline() const { return deadline_; }

  std::map<TopicPartitionKey, CommittedOffset>& offsets() { return offsets_; }
  const std::map<TopicPartitionKey, CommittedOffset>& offsets() const { return offsets_; }
  // When the last member left in this run; the clock's epoch if the group never had members.
  GroupTime empty_since() const { return empty_since_; }
  // The offsets due for deletion at `now`: none while the group has members; otherwise those
  // whose commit and the group's emptying both lie more than `retention` back. (A group used
  // with manual assignment never has members: each of its offsets lives `retention` past its
  // last commit.)
  std::vector<TopicPartitionKey> expired_offsets(GroupTime now, std::chrono::milliseconds retention) const;

 private:
  void start_rebalance(GroupTime now, std::chrono::milliseconds delay);

  std::string id_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_ = 0;
  std::string strategy_ = "range";
  std::map<std::string, Member> members_;
  GroupTime window_end_{};
  GroupTime deadline_{};
  GroupTime empty_since_{};
  std::map<TopicPartitionKey, CommittedOffset> offsets_;
};

}  // namespace cairn::broker
