#pragma once

// FakeLog: in-memory partitions behind a FakeBroker's Produce, Fetch and ListOffsets handlers.
// It stores the batches a producer sends as the broker would (offsets assigned, a batch whose
// producer id and sequence it already holds answered with the first offsets instead of stored
// twice, a sequence gap refused with OUT_OF_ORDER_SEQUENCE) and serves them to fetches.
// Thread-safe: handlers and the test's thread use it at once.

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/record.h"
#include "tests/support/fake_broker.h"

namespace cairn::testing {

class FakeLog {
 public:
  struct StoredBatch {
    int64_t base_offset = 0;
    int32_t records = 0;
    int64_t producer_id = -1;
    int32_t base_sequence = -1;
    std::vector<std::byte> bytes;  // as stored: offsets assigned
  };

  // Handlers to install: broker.on(ApiKey::kProduce, [&](auto& r) { return log.produce(r); }).
  FakeBroker::Answer produce(const FakeBroker::Request& request);
  FakeBroker::Answer fetch(const FakeBroker::Request& request);
  FakeBroker::Answer list_offsets(const FakeBroker::Request& request);

  // Appends records with these values (one batch) as if a producer had sent them.
  void append(const client::TopicPartition& tp, const std::vector<std::string>& values);

  // Transactions (PROTOCOL.md, "Isolation"): records of `producer_id`'s open transaction (one
  // transactional batch), and its commit or abort marker. A fetch at version 2 reads up to the
  // last stable offset when read_committed, and is told the aborted transactions it overlaps.
  void append_transactional(const client::TopicPartition& tp, int64_t producer_id,
                            const std::vector<std::string>& values);
  void append_marker(const client::TopicPartition& tp, int64_t producer_id, bool commit);
  // The isolation level of the last fetch, and its version.
  uint8_t last_isolation_level() const;
  uint16_t last_fetch_version() const;

  // Flips one byte of a stored batch's records (not its header), as a damaged disk would.
  void damage(const client::TopicPartition& tp, size_t batch_index);

  std::vector<StoredBatch> batches(const client::TopicPartition& tp) const;
  // The values stored in a partition, in offset order.
  std::vector<std::string> values(const client::TopicPartition& tp) const;
  int64_t end_offset(const client::TopicPartition& tp) const;

 private:
  struct Partition {
    std::vector<StoredBatch> batches;
    int64_t next_offset = 0;
    std::map<int64_t, int64_t> open_txns;  // producer id -> first offset
    struct Aborted {
      int64_t producer_id, first_offset, marker_offset;
    };
    std::vector<Aborted> aborted;
    int64_t last_stable_offset() const {
      int64_t lso = next_offset;
      for (const auto& [pid, first] : open_txns) lso = std::min(lso, first);
      return lso;
    }
  };
  // Stores a batch at the end of the partition; returns its base offset.
  int64_t store(Partition& p, std::vector<std::byte> bytes, int64_t producer_id,
                int32_t base_sequence, int32_t records);

  mutable std::mutex mu_;
  uint8_t last_isolation_level_ = 0;
  uint16_t last_fetch_version_ = 0;
  std::map<client::TopicPartition, Partition> partitions_;
};

}  // namespace cairn::testing
