#pragma once

// MirrorAckTracker: how far the destination has acknowledged each source partition, which is
// what `cairn mirror` may commit at the source.

#include <cstdint>
#include <map>
#include <mutex>
#include <set>

#include "cairn/record.h"
#include "cairn/status.h"

namespace cairn::tools {

// Written by the producer's delivery callbacks (its I/O thread) and by the mirror's main loop,
// read by the main loop; every member is under mu_. Relies on the producer's promise that the
// callbacks of one partition run in send order.
//
// Invariant: next_offset(tp) is a source offset below which every record of tp that the mirror
// read has been acknowledged by the destination. It only grows, and stops growing at a
// partition's first failed delivery: acknowledgements of records sent after the failed one do
// not count (they would skip it) until take_failed() hands the partition back to be read again
// from next_offset(tp).
class MirrorAckTracker {
 public:
  // The mirror read `offset` of `tp` and is about to send it. The first offset sent of a
  // partition is where it resumes if nothing of it is acknowledged.
  void sending(const client::TopicPartition& tp, int64_t offset);
  // The destination stored the record sent for `offset` of `tp`.
  void acknowledged(const client::TopicPartition& tp, int64_t offset);
  // The record sent for some offset of `tp` was not stored, for `why`.
  void failed(const client::TopicPartition& tp, const Status& why);

  bool any_failed() const;
  // The partitions with a failed delivery and where to read them again (their next offset);
  // clears the failures. `why`: the first failure's reason. Call only once every delivery in
  // flight has ended, or a late acknowledgement could count past the failed record.
  std::map<client::TopicPartition, int64_t> take_failed(Status* why);

  // Every partition sent so far, with its next offset: what may be committed.
  std::map<client::TopicPartition, int64_t> next_offsets() const;
  // Records sent and not yet acknowledged or failed.
  size_t unacknowledged() const;
  // Records acknowledged, and counted (not after a failure of their partition).
  int64_t copied() const;

 private:
  mutable std::mutex mu_;
  std::map<client::TopicPartition, int64_t> next_;
  std::set<client::TopicPartition> failed_;
  Status first_failure_;
  size_t unacknowledged_ = 0;
  int64_t copied_ = 0;
};

}  // namespace cairn::tools
