#pragma once

// GroupMember: a consumer's membership of its group: joining and syncing (an eager rebalance),
// heartbeats, commits, committed offsets and leaving.
//
// It owns the coordinator connection (apart from the fetch connection, so that a long-polling
// fetch never delays a heartbeat or a commit: answers come back in order) and the heartbeat
// thread, and holds the subscription, the member id, the generation, and whether the group wants
// this member to rejoin: a heartbeat, a sync or a commit answered REBALANCE_IN_PROGRESS,
// ILLEGAL_GENERATION or UNKNOWN_MEMBER_ID says so, and signals the consumer's Wakeup.
//
// Threads: the application's thread (poll's rebalances and commits, committed offsets), the
// heartbeat thread and the coordinator connection's I/O thread (answers to asynchronous commits)
// share it; every member is guarded by mu_, which is never held while waiting on the connection.
// The heartbeat thread holds the GroupMember through shared_ptr, asynchronous answers through
// weak_ptr. Held by the Consumer through shared_ptr; stop() ends the thread and closes the
// connection before the Consumer lets go of it.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cairn/consumer.h"
#include "client/src/connection.h"
#include "client/src/wakeup.h"
#include "protocol/messages/group.h"

namespace cairn::client {

class GroupMember : public std::enable_shared_from_this<GroupMember> {
 public:
  GroupMember(const ConsumerConfig& config, ConnectionOptions options,
              std::shared_ptr<Wakeup> wakeup);
  ~GroupMember();

  // Reconnects if the coordinator connection is gone.
  Status ensure_connected();
  // Starts the heartbeat thread.
  void start();
  // Ends heartbeats and closes the connection for good.
  void stop();

  void subscribe(std::vector<std::string> topics);
  bool subscribed() const;
  bool joined() const;
  // Subscribed, and not a member of the group's current generation.
  bool needs_rebalance() const;
  // The consumer has given up its partitions: no longer a member of this generation.
  void leave_generation();
  // Joins the group and syncs: the partitions this member is assigned, or nullopt when the group
  // asks it to rejoin at once (the next poll does).
  Result<std::optional<std::vector<TopicPartition>>> join();
  // Leaves the group at once (LeaveGroup), if a member, so its partitions move without waiting
  // for the session timeout.
  void leave();

  // The group id and, while a member, the generation and member id (-1 and empty otherwise).
  ConsumerGroupMetadata metadata() const;

  // Commits `offsets` as this generation's member (or from outside the group when not one).
  // kFenced: the group has moved on (and this member will rejoin).
  Status commit(const std::map<TopicPartition, int64_t>& offsets);
  // As commit(), without waiting; `done` runs on the coordinator connection's I/O thread.
  void commit_async(std::map<TopicPartition, int64_t> offsets, std::function<void(Status)> done);
  // With auto-commit, a member whose auto-commit interval has passed.
  bool auto_commit_due() const;
  // Commits `positions` without waiting, unless they are what was last committed.
  void auto_commit(std::map<TopicPartition, int64_t> positions);

  // The group's committed offsets of `partitions`: those with one, and those the coordinator
  // could not tell (their offsets not loaded, the reply lacking them) with why. A partition in
  // neither has nothing committed.
  struct Committed {
    std::map<TopicPartition, int64_t> offsets;
    std::map<TopicPartition, Status> undecided;
  };
  Result<Committed> fetch_committed(const std::vector<TopicPartition>& partitions);

 private:
  std::shared_ptr<Connection> connection() const;
  protocol::OffsetCommitRequest commit_request(
      const std::map<TopicPartition, int64_t>& offsets) const;
  // OK when every partition of `offsets` was committed; marks the member for a rejoin when the
  // group has moved on, and remembers what was committed.
  Status on_committed(const std::map<TopicPartition, int64_t>& offsets,
                      const Result<Reply<protocol::OffsetCommitResponse>>& r);
  // A heartbeat, sync or commit answered `error`: rejoin if the group has moved on.
  bool maybe_rejoin_locked(protocol::ErrorCode error);
  void run_heartbeats();

  const ConsumerConfig config_;
  const ConnectionOptions options_;
  const std::shared_ptr<Wakeup> wakeup_;

  mutable std::mutex mu_;
  std::condition_variable heartbeat_wake_;
  std::shared_ptr<Connection> conn_;
  std::thread heartbeat_;
  bool stopping_ = false;
  std::vector<std::string> topics_;
  bool subscribed_ = false;
  std::string member_id_;
  int32_t generation_ = -1;
  bool joined_ = false;
  bool needs_rejoin_ = false;
  std::chrono::steady_clock::time_point next_auto_commit_{};
  std::map<TopicPartition, int64_t> last_committed_;
};

}  // namespace cairn::client
