#pragma once

// GroupCoordinator: the consumer groups whose offsets partition this shard owns. One per shard,
// used only on that shard's thread; it reaches the broker through a GroupHost (group_host.h). It runs each group's membership (group.h), answers the group
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
#include "broker/group/group_host.h"
#include "protocol/messages/group.h"
#include "protocol/status.h"

namespace cairn::broker {

class GroupCoordinator {
 public:
  GroupCoordinator(std::unique_ptr<GroupHost> host, GroupOptions options, asio::any_io_executor executor);

  // Replays this shard's offsets partitions. Call before serving.
  Status load();
  // Starts the housekeeping timer, which calls housekeep() every 50 ms.
  void start();
  // One housekeeping pass at the host's time: expires silent members, completes rebalances,
  // forgets expired offsets and starts snapshots that are due.
  void housekeep();
  // The broker is stopping: wakes every waiting join (they answer COORDINATOR_NOT_AVAILABLE).
  void stop();

  awaitable<protocol::JoinGroupResponse> join(protocol::JoinGroupRequest request,
                                              std::string client_id, std::string host);
  protocol::SyncGroupResponse sync(const protocol::SyncGroupRequest& request);
  protocol::GroupErrorResponse heartbeat(const protocol::HeartbeatRequest& request);
  protocol::GroupErrorResponse leave(const protocol::LeaveGroupRequest& request);
  awaitable<protocol::OffsetCommitResponse> commit(protocol::OffsetCommitRequest request);
  awaitable<protocol::OffsetFetchResponse> fetch_offsets(protocol::OffsetFetchRequest request);
  std::vector<protocol::GroupListing> list() const;
  protocol::DescribedGroup describe(const std::string& group_id) const;

 private:
  struct Runtime {
    Runtime(std::string id, GroupTime now, const asio::any_io_executor& ex)
        : group(std::move(id), now), changed(ex) {}
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

  std::unique_ptr<GroupHost> host_;
  GroupOptions options_;
  asio::any_io_executor executor_;
  bool stopped_ = false;
  std::map<std::string, std::unique_ptr<Runtime>> groups_;
  std::map<int32_t, uint64_t> bytes_since_snapshot_;
  std::map<int32_t, bool> snapshot_running_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace cairn::broker
