#pragma once

// GroupCoordinator: the consumer groups whose offsets partition this shard owns. One per shard,
// used only on that shard's thread. It runs each group's membership (group.h), answers the group
// APIs, and keeps committed offsets durable in the `__consumer_offsets` partitions
// (offset_log.h): a commit is acknowledged only once its record is appended (and synced: the
// internal topic's policy is `always`). At start it replays those partitions; a snapshot record
// lets it delete the segments before it. A timer expires silent members, completes rebalances
// whose deadline passed and forgets the offsets of groups empty for longer than the retention.

#include "broker/async.h"

#include <map>
#include <memory>
#include <random>
#include <string>

#include "broker/config.h"
#include "broker/group/group.h"
#include "protocol/messages/group.h"
#include "protocol/status.h"

namespace cairn::broker {

class Broker;
class Shard;

class GroupCoordinator {
 public:
  GroupCoordinator(Broker& broker, Shard& shard);

  // Replays this shard's offsets partitions. Call before serving.
  Status load();
  // Starts the housekeeping timer.
  void start();

  awaitable<protocol::JoinGroupResponse> join(protocol::JoinGroupRequest request,
                                              std::string client_id, std::string host);
  protocol::SyncGroupResponse sync(const protocol::SyncGroupRequest& request);
  protocol::GroupErrorResponse heartbeat(const protocol::HeartbeatRequest& request);
  protocol::GroupErrorResponse leave(const protocol::LeaveGroupRequest& request);
  awaitable<protocol::OffsetCommitResponse> commit(protocol::OffsetCommitRequest request);
  protocol::OffsetFetchResponse fetch_offsets(const protocol::OffsetFetchRequest& request);
  std::vector<protocol::GroupListing> list() const;
  // Wakes every waiting join (the broker is stopping; they answer COORDINATOR_NOT_AVAILABLE).
  void wake_all();
  protocol::DescribedGroup describe(const std::string& group_id) const;

 private:
  struct Runtime {
    Runtime(std::string id, const asio::any_io_executor& ex) : group(std::move(id)), changed(ex) {}
    Group group;
    Notifier changed;  // membership or generation changed
  };

  Runtime& runtime(const std::string& group_id);
  Runtime* existing(const std::string& group_id);
  int32_t partition_of(const std::string& group_id) const;
  awaitable<Status> append(int32_t partition, std::shared_ptr<std::vector<std::byte>> batch);
  void tick();
  void expire_offsets(GroupTime now);
  void maybe_snapshot(int32_t partition);

  Broker& broker_;
  Shard& shard_;
  const GroupOptions& options_;
  std::map<std::string, std::unique_ptr<Runtime>> groups_;
  std::map<int32_t, uint64_t> bytes_since_snapshot_;
  std::map<int32_t, bool> snapshot_running_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cairn::broker
