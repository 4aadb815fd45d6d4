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
//
// A group whose members assign (they join with protocols: Kafka's classic protocol, as Connect
// and Streams use it) passes through CompletingRebalance instead: the generation is bumped, a
// protocol every member offers is chosen, and the group waits for its leader's assignments
// (set_assignments) before it is Stable. A leader that sends none within the longest rebalance
// timeout is removed, which starts the next rebalance. Both kinds never mix in one group.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "broker/group/assignor.h"

namespace cairn::broker {

using GroupTime = std::chrono::steady_clock::time_point;

// Group ids are 1 to 200 characters (PROTOCOL.md, INVALID_GROUP_ID).
bool is_valid_group_id(std::string_view id);

enum class GroupState { kEmpty, kPreparingRebalance, kCompletingRebalance, kStable };
std::string_view group_state_name(GroupState state);

// A protocol a member of a client-assigned group offers (Kafka's classic group protocol): its
// name and the member's metadata for it, opaque to the broker.
struct ClientProtocol {
  std::string name;
  std::vector<std::byte> metadata;
};

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
  // Client-assigned groups: the protocol type and the protocols offered (never empty), and
  // what the leader assigned this member.
  std::string protocol_type;
  std::vector<ClientProtocol> protocols;
  std::vector<std::byte> client_assignment;

  bool client_assigned() const { return !protocols.empty(); }
  // Its metadata for `protocol`, or nullptr when it does not offer it.
  const std::vector<std::byte>* metadata_for(std::string_view protocol) const;
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
  // The assignor (broker-assigned) or the chosen protocol (client-assigned).
  const std::string& strategy() const { return strategy_; }
  bool client_assigned() const {
    return !members_.empty() && members_.begin()->second.client_assigned();
  }
  // A client-assigned group's protocol type (its members share it); empty otherwise.
  std::string_view protocol_type() const {
    return client_assigned() ? std::string_view(members_.begin()->second.protocol_type)
                             : std::string_view();
  }
  // The member that assigns in a client-assigned group; the first id otherwise.
  const std::string& leader() const { return leader_; }
  // Whether `member` may join: an empty group takes anyone; otherwise the member is of the same
  // kind (broker- or client-assigned) and protocol type, and offers a protocol that every other
  // member offers.
  bool accepts(const Member& member) const;
  // The leader's assignments for the generation being completed: kept by member (ids that are
  // not members are ignored) and the group is Stable.
  void set_assignments(std::vector<std::pair<std::string, std::vector<std::byte>>> assignments);
  const std::map<std::string, Member>& members() const { return members_; }
  Member* find(const std::string& member_id);

  // A member joins (new, or rejoining). Starts a rebalance unless one is under way.
  Member& join(Member member, GroupTime now, std::chrono::milliseconds delay);
  // A member leaves or times out. Starts a rebalance if members remain.
  void remove(const std::string& member_id, GroupTime now, std::chrono::milliseconds delay);
  void touch(const std::string& member_id, GroupTime now);
  // Members silent for longer than their session timeout; a member waiting in a rebalance
  // counts as alive. Also a leader whose assignments are overdue. Removes them and returns their
  // ids.
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
  std::vector<TopicPartitionKey> expired_offsets(GroupTime now,
                                                 std::chrono::milliseconds retention) const;

 private:
  void start_rebalance(GroupTime now, std::chrono::milliseconds delay);
  // The end of a client-assigned rebalance: the leader, the protocol, CompletingRebalance.
  void await_leader(GroupTime now);

  std::string id_;
  GroupState state_ = GroupState::kEmpty;
  int32_t generation_ = 0;
  std::string strategy_ = "range";
  std::string leader_;
  std::map<std::string, Member> members_;
  GroupTime window_end_{};
  GroupTime deadline_{};
  GroupTime empty_since_{};
  std::map<TopicPartitionKey, CommittedOffset> offsets_;
};

}  // namespace cairn::broker
