#include "tools/cairn/mirror_ack_tracker.h"

#include <algorithm>
#include <utility>

namespace cairn::tools {

void MirrorAckTracker::sending(const client::TopicPartition& tp, int64_t offset) {
  std::lock_guard lock(mu_);
  next_.try_emplace(tp, offset);
  ++unacknowledged_;
}

void MirrorAckTracker::acknowledged(const client::TopicPartition& tp, int64_t offset) {
  std::lock_guard lock(mu_);
  --unacknowledged_;
  if (failed_.contains(tp)) return;
  ++copied_;
  auto& next = next_[tp];
  next = std::max(next, offset + 1);
}

void MirrorAckTracker::failed(const client::TopicPartition& tp, const Status& why) {
  std::lock_guard lock(mu_);
  --unacknowledged_;
  if (failed_.insert(tp).second && first_failure_.is_ok()) first_failure_ = why;
}

bool MirrorAckTracker::any_failed() const {
  std::lock_guard lock(mu_);
  return !failed_.empty();
}

std::map<client::TopicPartition, int64_t> MirrorAckTracker::take_failed(Status* why) {
  std::lock_guard lock(mu_);
  std::map<client::TopicPartition, int64_t> out;
  for (const auto& tp : failed_) out[tp] = next_.at(tp);
  failed_.clear();
  *why = std::exchange(first_failure_, Status::ok());
  return out;
}

std::map<client::TopicPartition, int64_t> MirrorAckTracker::next_offsets() const {
  std::lock_guard lock(mu_);
  return next_;
}

size_t MirrorAckTracker::unacknowledged() const {
  std::lock_guard lock(mu_);
  return unacknowledged_;
}

int64_t MirrorAckTracker::copied() const {
  std::lock_guard lock(mu_);
  return copied_;
}

}  // namespace cairn::tools
