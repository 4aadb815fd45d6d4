#pragma once

// GroupCoordinator: the consumer groups whose offsets partition this shard owns. One per shard,
// used only on that shard's thread (BrokerServices::coordinator checks it in debug builds); it
// reaches the broker through a GroupHost (group_host.h). It runs each group's membership
// (group.h), answers the group operations (their protocol-neutral requests and results are in
// requests.h), and keeps committed offsets durable in the `__consumer_offsets` partitions
// (offsets_partition.h): a commit is acknowledged only once its record is appended (and synced:
// the internal topic's policy is `always`).
//
// Offsets: a commit is checked against the group's generation and, partition by partition,
// against the broker's topics (it must exist; the offset must lie in 0..log end). Between its
// acceptance and its acknowledgement it is pending: an OffsetFetch of those partitions waits for
// it, so a fetch never answers an offset older than a commit already accepted, and expiry leaves
// those partitions alone. At start it replays its offsets partitions; a group on one that cannot
// be replayed answers COORDINATOR_NOT_AVAILABLE. A timer expires silent members, completes
// rebalances whose deadline passed, deletes offsets past the retention (group.h,
// expired_offsets), forgets idle groups and starts snapshots. A group's state is shared with the
// coroutines and appends that use it, and is forgotten only once none does.

#include "broker/async.h"

#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "broker/config.h"
#include "broker/group/group.h"
#include "broker/group/group_host.h"
#include "broker/group/offsets_partition.h"
#include "broker/group/requests.h"
#include "protocol/control_record.h"
#include "protocol/status.h"

namespace cairn::broker {

class GroupCoordinator {
 public:
  GroupCoordinator(std::unique_ptr<GroupHost> host, GroupOptions options,
                   asio::any_io_executor executor);
  // Must not run while a request coroutine of this coordinator is suspended (the broker
  // destroys it only after its shard has stopped). Appends in flight may still complete.
  ~GroupCoordinator();

  // Replays this shard's offsets partitions. One that is offline or cannot be read stays
  // unloaded (logged, with how to repair it); its groups answer COORDINATOR_NOT_AVAILABLE.
  void load();
  // Starts the housekeeping timer, which calls housekeep() every 50 ms.
  void start();
  // One housekeeping pass at the host's time: expires silent members, completes rebalances,
  // deletes expired offsets, forgets idle groups and starts the snapshots that are due.
  void housekeep();
  // The broker is stopping: from now on nothing reaches the offsets log. Commits and joins, and
  // the joins waiting, answer COORDINATOR_NOT_AVAILABLE; housekeeping stops.
  void stop();

  // Membership (membership.cc).
  awaitable<JoinResult> join(JoinRequest request);
  awaitable<SyncResult> sync(MemberRequest request);
  protocol::ErrorCode heartbeat(const MemberRequest& request);
  protocol::ErrorCode leave(const std::string& group_id, const std::string& member_id);
  std::vector<GroupListing> list() const;
  GroupDescription describe(const std::string& group_id) const;
  // Every offset committed by the groups this coordinator runs (for metrics).
  struct Committed {
    std::string group;
    std::string topic;
    int32_t partition = 0;
    int64_t offset = 0;
  };
  std::vector<Committed> committed_offsets() const;

  // Committed offsets (committed_offsets.cc).
  awaitable<std::vector<protocol::ErrorCode>> commit(CommitRequest request);
  awaitable<OffsetsResult> fetch_offsets(OffsetsRequest request);
  // A transaction marker of `producer_id` is stored in offsets partition `partition`: the
  // producer's pending transactional offsets there apply (commit) or are dropped (abort).
  void transaction_ended(int32_t partition, int64_t producer_id, protocol::TxnResult result);
  // (offsets partition, producer id) of every stored transactional commit waiting for its
  // marker; nullopt until load() ran (a follower's coordinators load at its promotion).
  std::optional<std::vector<std::pair<int32_t, int64_t>>> open_transactions() const;
  // Deletes a group that has no members: a tombstone for each of its committed offsets, so the
  // deletion survives a restart, then the offsets from memory once those are stored. A group
  // with members is refused with NON_EMPTY_GROUP, one with neither members nor offsets with
  // GROUP_ID_NOT_FOUND.
  awaitable<DeleteGroupResult> delete_group(std::string group_id);

 private:
  struct Runtime {
    Runtime(std::string id, const asio::any_io_executor& ex)
        : group(std::move(id)), changed(ex), resolved(ex) {}
    bool idle() const {
      return group.members().empty() && group.offsets().empty() && pending.empty() &&
             expiring.empty() && txn_offsets.empty() && txn_writing == 0;
    }

    Group group;
    Notifier changed;  // membership or generation changed
    // Commits accepted and not yet stored or failed, by id, with the partitions each names.
    std::map<uint64_t, std::vector<TopicPartitionKey>> pending;
    Notifier resolved;                     // a pending commit was stored or failed
    std::set<TopicPartitionKey> expiring;  // deletions being written
    // Stored transactional commits waiting for their marker, by producer id.
    std::map<int64_t, std::map<TopicPartitionKey, CommittedOffset>> txn_offsets;
    int txn_writing = 0;  // transactional commits being written
  };
  using RuntimePtr = std::shared_ptr<Runtime>;

  RuntimePtr runtime(const std::string& group_id);
  RuntimePtr existing(const std::string& group_id) const;
  int32_t partition_of(const std::string& group_id) const;
  std::shared_ptr<OffsetsPartition> offsets_partition(const std::string& group_id) const;
  // NONE, or COORDINATOR_NOT_AVAILABLE when the group's offsets cannot be served now.
  protocol::ErrorCode availability(const std::string& group_id) const;
  void tick();
  void expire_offsets(GroupTime now);
  std::vector<OffsetRecord> live_offsets(int32_t partition) const;
  // Whether a group of `partition` has transactional commits being written or waiting for their
  // marker: no snapshot may then drop the records before it.
  bool transactional_offsets_open(int32_t partition) const;

  std::unique_ptr<GroupHost> host_;
  GroupOptions options_;
  asio::any_io_executor executor_;
  bool stopped_ = false;
  bool loaded_ = false;
  std::map<std::string, RuntimePtr> groups_;
  std::map<int32_t, std::shared_ptr<OffsetsPartition>> partitions_;
  uint64_t next_commit_ = 0;
  std::unique_ptr<asio::steady_timer> timer_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cairn::broker
