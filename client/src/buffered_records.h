#pragma once

// BufferedRecords: one partition's fetched records waiting for poll(), in offset order, kept in
// the vectors the fetch answers were decoded into. A fetch's records join with one move of their
// vector, and a poll that takes a whole answer's records takes that vector: a record is moved
// once between decoding and the application, not once per hop. Owned by the Fetcher's partition
// state and guarded by the Fetcher's lock.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "cairn/record.h"

namespace cairn::client {

class BufferedRecords {
 public:
  bool empty() const { return chunks_.empty(); }
  void clear();
  // Appends a fetch's records (in offset order, after those buffered); an empty vector is
  // ignored.
  void append(std::vector<ConsumerRecord> records);

  struct Taken {
    size_t count = 0;
    size_t bytes = 0;          // their buffered_size(), summed
    int64_t next_offset = -1;  // past the last record taken; -1 when none was
  };
  // Moves up to `max` of the oldest records to the end of `out`, in order.
  Taken take(size_t max, std::vector<ConsumerRecord>& out);

 private:
  std::deque<std::vector<ConsumerRecord>> chunks_;
  size_t front_taken_ = 0;  // records of chunks_.front() already taken
};

}  // namespace cairn::client
