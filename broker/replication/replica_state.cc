#include "broker/replication/replica_state.h"

#include <algorithm>

namespace cairn::broker {

void ReplicaState::on_replica_fetch(int32_t replica_id, Offset fetch_offset, Offset log_end,
                                    Clock::time_point now) {
  auto it = std::find_if(followers_.begin(), followers_.end(),
                         [replica_id](const Follower& f) { return f.replica_id == replica_id; });
  if (it == followers_.end()) {
    followers_.push_back(Follower{.replica_id = replica_id});
    it = std::prev(followers_.end());
  }
  Follower& f = *it;
  if (fetch_offset >= log_end) {
    f.caught_up_at = now;
  } else if (f.last_fetch_at != Clock::time_point{} && fetch_offset >= f.log_end_at_last_fetch) {
    // It has all that was there when it fetched before: it was caught up then.
    f.caught_up_at = std::max(f.caught_up_at, f.last_fetch_at);
  }
  f.fetched = fetch_offset;
  f.last_fetch_at = now;
  f.log_end_at_last_fetch = log_end;
}

int32_t ReplicaState::in_sync_count(Clock::time_point now) const {
  int32_t n = 1;
  for (const Follower& f : followers_) n += in_sync(f, now) ? 1 : 0;
  return n;
}

Offset ReplicaState::high_watermark(Offset log_end, Clock::time_point now) const {
  Offset hw = log_end;
  for (const Follower& f : followers_) {
    if (in_sync(f, now)) hw = std::min(hw, f.fetched);
  }
  floor_ = std::min(std::max(floor_, hw), log_end);
  return floor_;
}

ReplicaState::Clock::time_point ReplicaState::next_expiry(Clock::time_point now) const {
  auto next = Clock::time_point::max();
  for (const Follower& f : followers_) {
    if (in_sync(f, now)) next = std::min(next, f.caught_up_at + lag_max_);
  }
  return next;
}

void ReplicaState::reset() {
  followers_.clear();
  leader_high_watermark_.reset();
}

}  // namespace cairn::broker
