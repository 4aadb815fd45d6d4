#pragma once

// ReplicaState: one partition's replication bookkeeping, on the shard that owns the partition.
//
// As leader, it hears every replica fetch (the follower's node id, the offset it asked for:
// it holds everything before it) and keeps, per follower, that offset and when it was last
// caught up. A follower is in sync while it was caught up within the lag limit; caught up means
// it fetched from the log end, or from where the log ended when it fetched before (Kafka's rule,
// so that a follower keeping pace with a steady stream counts). The high watermark, what
// consumers may read and what acks=all waits for, is the log end lowered to what every in-sync
// follower has; it never moves back. With no follower ever heard of, it is the log end: a single
// node pays nothing. As follower, it holds the high watermark the leader last reported.
//
// Plain data, no clock of its own: callers pass the time, so tests drive it by hand.

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "protocol/types.h"

namespace cairn::broker {

class ReplicaState {
 public:
  using Clock = std::chrono::steady_clock;

  struct Follower {
    int32_t replica_id = -1;
    Offset fetched;                   // the offset its last fetch asked for
    Clock::time_point caught_up_at;   // last time it was caught up; epoch: never
    Clock::time_point last_fetch_at;  // its previous fetch, and the log end then
    Offset log_end_at_last_fetch;
  };

  explicit ReplicaState(std::chrono::milliseconds lag_max = std::chrono::milliseconds(10'000))
      : lag_max_(lag_max) {}
  void set_lag_max(std::chrono::milliseconds lag_max) { lag_max_ = lag_max; }

  // Leader: a replica fetch from `replica_id` at `fetch_offset`, the log ending at `log_end`.
  void on_replica_fetch(int32_t replica_id, Offset fetch_offset, Offset log_end,
                        Clock::time_point now);
  bool in_sync(const Follower& f, Clock::time_point now) const {
    return f.caught_up_at != Clock::time_point{} && now - f.caught_up_at <= lag_max_;
  }
  // Replicas in sync at `now`, this leader included.
  int32_t in_sync_count(Clock::time_point now) const;
  // Leader: the high watermark of a log ending at `log_end` (see the class comment).
  Offset high_watermark(Offset log_end, Clock::time_point now) const;
  // When an in-sync follower leaves the in-sync set unless it catches up first; max when none
  // is in sync.
  Clock::time_point next_expiry(Clock::time_point now) const;
  const std::vector<Follower>& followers() const { return followers_; }

  // Follower: the high watermark the leader reported; consumers here read up to it.
  void set_leader_high_watermark(Offset hw) { leader_high_watermark_ = hw; }
  const std::optional<Offset>& leader_high_watermark() const { return leader_high_watermark_; }
  // Forgets what the leader said and every follower (a promotion, a demotion).
  void reset();

 private:
  std::chrono::milliseconds lag_max_;
  std::vector<Follower> followers_;
  // The high watermark last returned: a follower that rejoins behind it cannot move it back.
  mutable Offset floor_;
  std::optional<Offset> leader_high_watermark_;
};

}  // namespace cairn::broker
