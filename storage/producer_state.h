#pragma once

// ProducerState: what a partition knows of each idempotent producer (FORMAT.md, "Producer
// snapshots"): its epoch, its last few batches' sequence ranges and offsets, and when it last
// appended by the broker's clock. It decides whether a batch is the next one (append it), one
// already stored (a retry: answer with its offsets, store nothing), out of order (a gap, or a
// producer it does not know that does not start at sequence 0: refuse) or from an older epoch
// (fenced), and, for the batches of one group commit, whether each follows the one before it
// in the group (GroupCheck). It remembers at most a fixed number of producers: recording a new
// one past that forgets the least recently appended. The log is the source of truth: the state
// is rebuilt from batch headers, starting from a snapshot written at each segment roll and on a
// clean close. It also knows, per producer, the first offset of its open transaction in the
// partition (from its first transactional batch to its marker), which gives the partition's
// first unstable offset; a producer with an open transaction is never forgotten. Owned by its
// PartitionLog, on the partition's core; movable, not copyable.

#include <array>
#include <chrono>
#include <cstdint>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "protocol/record_batch.h"
#include "protocol/status.h"
#include "protocol/types.h"
#include "storage/format.h"
#include "storage/io/io_backend.h"

namespace cairn::storage {

class ProducerState {
 public:
  // Batches remembered per producer, so this many retried in a row are still recognised.
  static constexpr size_t kRememberedBatches = format::kSnapshotMaxBatches;
  static constexpr size_t kDefaultMaxProducers = 1000;
  // How long a producer is remembered after its last append, by default.
  static constexpr std::chrono::milliseconds kDefaultExpiry = std::chrono::days(7);

  struct BatchMeta {
    int32_t first_sequence = 0;
    int32_t last_sequence = 0;
    Offset base_offset;
    Offset last_offset;
  };

  enum class Verdict {
    kAppend,
    kDuplicate,
    kOutOfOrder,
    kFenced,
    // Within a group (GroupCheck): the producer has a batch in the group already and this one
    // does not follow it, say a retry of it. Nothing is known yet that makes it wrong: the
    // producer retries once the group is stored.
    kInFlight,
  };
  struct Check {
    Verdict verdict = Verdict::kAppend;
    BatchMeta duplicate_of;  // for kDuplicate
    std::string why;         // for kOutOfOrder, kFenced and kInFlight
  };

  // Judges the batches of one group commit, in the order they will be written, before any of
  // them is stored (record() follows the write): a producer's first batch in the group by the
  // stored state (check()), a later one by the batch before it in the group, which it must
  // continue (same epoch, the next sequence), else kInFlight. Lives while its group is formed;
  // the ProducerState must outlive it and not change meanwhile.
  class GroupCheck {
   public:
    explicit GroupCheck(const ProducerState& state) : state_(state) {}
    // Judges `batch`, of an idempotent producer; a kAppend verdict takes it into the group.
    Check check(const protocol::BatchHeader& batch);

   private:
    struct Next {
      int16_t epoch;
      int32_t sequence;
    };
    const ProducerState& state_;
    std::map<int64_t, Next> next_;  // producers with a batch in the group: what must follow it
  };

  explicit ProducerState(size_t max_producers = kDefaultMaxProducers);
  ProducerState(ProducerState&&) = default;
  ProducerState& operator=(ProducerState&&) = default;
  ProducerState(const ProducerState&) = delete;
  ProducerState& operator=(const ProducerState&) = delete;

  // Judges a batch of an idempotent producer (producer id >= 0) by what is stored.
  Check check(const protocol::BatchHeader& batch) const;
  // Records a batch that was stored at `base_offset` (its header says the rest), appended at
  // `now` by the broker's clock. A transactional batch opens the producer's transaction if none
  // is open; a control batch (a marker) closes it and takes the marker's epoch.
  void record(const protocol::BatchHeader& batch, Offset base_offset, Timestamp now);
  // Forgets producers whose last append (broker clock) was before `cutoff`, except those with a
  // transaction open.
  void expire(Timestamp cutoff);
  // The first offset of `producer_id`'s open transaction, or nullopt when none is open.
  std::optional<Offset> open_transaction(int64_t producer_id) const;
  // (producer id, epoch) of every producer with a transaction open, oldest transaction first.
  std::vector<std::pair<int64_t, int16_t>> open_producers() const;
  // The first offset of the oldest open transaction, or nullopt when none is open. The last
  // stable offset is this, or the high watermark when it is lower or there is none. Kept as
  // transactions open and close, so asking costs no walk over the producers.
  std::optional<Offset> first_unstable_offset() const {
    if (open_.empty()) return std::nullopt;
    return open_.begin()->first;
  }
  // The partition's last stable offset given its `high_watermark`: read_committed readers stop
  // there.
  Offset last_stable_offset(Offset high_watermark) const {
    auto first = first_unstable_offset();
    return first && *first < high_watermark ? *first : high_watermark;
  }
  size_t size() const { return producers_.size(); }

  // Snapshot file: the state as of every batch below `offset`, least recently appended first.
  std::vector<std::byte> encode(Offset offset) const;
  // Keeps the `max_producers` most recent of the snapshot's producers (and every one with an
  // open transaction). A version 1 snapshot (which held batch timestamps, not append times)
  // gives each producer `now`; versions 1 and 2 have no open transactions.
  static Result<std::pair<Offset, ProducerState>> decode(Bytes bytes, size_t max_producers,
                                                         Timestamp now);

 private:
  struct Entry {
    int16_t epoch = 0;
    Timestamp last_append;
    std::array<BatchMeta, kRememberedBatches> recent{};  // oldest first
    uint8_t count = 0;
    std::optional<Offset> txn_first_offset;  // of its open transaction
    std::list<int64_t>::iterator use;        // its place in order_
  };

  // Makes `pid` the most recently used, creating its entry (and evicting past the cap the least
  // recently used producer without an open transaction).
  Entry& touch(int64_t pid);
  // Opens `pid`'s transaction at `first` (its entry is `e`), or closes it; open_ follows.
  void open_transaction(Entry& e, int64_t pid, Offset first);
  void close_transaction(Entry& e, int64_t pid);

  size_t max_producers_;
  std::unordered_map<int64_t, Entry> producers_;
  std::list<int64_t> order_;  // producer ids, least recently appended first
  // (first offset, producer id) of every open transaction, oldest first.
  std::set<std::pair<Offset, int64_t>> open_;
};

}  // namespace cairn::storage
