#pragma once

// BufferedRecords: one partition's fetched batches waiting for poll(), in offset order, their
// records checked but not yet copied out (fetched_records.h). take() copies them into
// ConsumerRecords on the polling thread, going on inside a batch where the last take stopped.
// Owned by the Fetcher's partition state and guarded by the Fetcher's lock.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "cairn/record.h"
#include "client/src/fetched_records.h"

namespace cairn::client {

class BufferedRecords {
 public:
  bool empty() const { return batches_.empty(); }
  // Records not yet taken.
  size_t size() const { return records_; }
  void clear();
  // Appends a fetch's batches (in offset order, after those buffered).
  void append(std::vector<FetchedBatch> batches);

  struct Taken {
    size_t count = 0;
    size_t bytes = 0;          // released from the buffer: their buffered_size(), summed
    int64_t next_offset = -1;  // past the last record taken; -1 when none was
  };
  // Copies up to `max` of the oldest records, as records of `tp`, to the end of `out`, in order.
  Taken take(size_t max, const TopicPartition& tp, std::vector<ConsumerRecord>& out);
  // take() as views (poll_views()).
  Taken take(size_t max, const TopicPartition& tp, PolledViews& out);

 private:
  template <class Out>
  Taken take_into(size_t max, const TopicPartition& tp, Out out);

  std::deque<FetchedBatch> batches_;
  std::optional<protocol::RecordReader> reader_;  // in batches_.front(), once begun
  size_t front_taken_ = 0;                        // records of batches_.front() taken
  size_t front_bytes_ = 0;                        // and their buffered_size(), summed
  size_t records_ = 0;
};

}  // namespace cairn::client
