#pragma once

// cairn::client::Consumer: reads records, alone or as a member of a consumer group.
//
// subscribe() joins a group: the broker assigns the group's partitions among its members and
// moves them when members come, go or go silent. Rebalances are eager: before the group
// reassigns anything, every member gives up all its partitions (on_partitions_revoked, where an
// application commits what it has processed), so a partition never has two owners at once.
// assign() reads chosen partitions without a group (commits still need a group id, and then the
// group must have no members).
//
// poll() returns records and keeps one fetch in flight in the background (prefetch), so it
// rarely waits on the network. Positions: the next offset poll() will return. A partition
// without a committed offset starts at auto_offset_reset. commit() commits the positions of the
// assigned partitions (everything poll() has returned so far); with enable_auto_commit, poll()
// does that every auto_commit_interval (and before revoking), which makes processing before the
// next poll at-least-once. A background thread sends heartbeats; a member that misses them for
// session_timeout is dropped from the group.
//
// A partition the broker refuses (unknown, offline) is retried after a backoff that doubles
// per failure from retry_backoff up to retry_backoff_max, while the others are read as usual.
// A fetched batch that fails verification (a checksum, the record structure) stops its partition
// there: poll() first returns every record before it, then kCorruption naming the partition and
// offset, once; last_corrupt_batch() says where, and where to seek() to skip the batch. The
// partition fetches nothing more until a seek.
//
// Thread-safety: one thread uses a Consumer (callbacks of RebalanceListener run inside poll() on
// it); only close() may be called from another thread. Errors are Status values: kUnavailable
// for a broker that cannot be reached, kFenced when a commit arrives after the group moved on
// (the records since the last commit will be delivered again, to whoever owns them now),
// kCorruption for a batch that fails verification or a broker reply that lacks a partition it
// was asked about (a commit, a committed offset, an offset lookup).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/record.h"
#include "cairn/status.h"
#include "cairn/sasl.h"
#include "cairn/tls.h"

namespace cairn::client {

struct ConsumerConfig {
  // HOST:PORT, or several comma-separated: each tried in turn until one connects.
  std::string broker = "127.0.0.1:9292";
  std::string client_id = "cairn-consumer";
  std::string group_id;  // needed for subscribe() and for commits
  enum class OffsetReset { kEarliest, kLatest, kNone };
  // Where a partition without a committed offset (or with one out of range) starts. The default
  // is Kafka's: only records produced from now on. (`cairn consume` starts at earliest.) kNone:
  // poll() fails without a commit.
  OffsetReset auto_offset_reset = OffsetReset::kLatest;
  bool enable_auto_commit = true;
  std::chrono::milliseconds auto_commit_interval{5'000};
  std::chrono::milliseconds session_timeout{10'000};
  std::chrono::milliseconds heartbeat_interval{1'000};
  std::chrono::milliseconds rebalance_timeout{30'000};
  std::string assignment_strategy = "range";     // or "roundrobin"
  uint32_t max_partition_fetch_bytes = 4 << 20;  // per partition and fetch
  uint32_t fetch_max_bytes = 16 << 20;
  std::chrono::milliseconds fetch_max_wait{500};
  size_t max_poll_records = 500;
  size_t max_buffered_bytes = 64 << 20;  // prefetched and not yet returned
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  TlsConfig tls;    // off: plaintext
  SaslConfig sasl;  // no mechanism: no authentication
  // A partition the broker refused, or a fetch that failed, waits this long before the next try,
  // doubled per failure in a row up to the max.
  std::chrono::milliseconds retry_backoff{100};
  std::chrono::milliseconds retry_backoff_max{1'000};
  // Which transactional records poll() returns (PROTOCOL.md, "Isolation"). read_uncommitted:
  // all of them, as soon as they are stored. read_committed: only those of committed
  // transactions, once committed (a partition is read up to its last stable offset, and the
  // records of aborted transactions are dropped). Transaction markers are never returned; the
  // position moves past them.
  enum class Isolation { kReadUncommitted, kReadCommitted };
  Isolation isolation = Isolation::kReadUncommitted;
};

// A fetched batch that failed verification, as poll() reported it.
struct CorruptBatch {
  TopicPartition topic_partition;
  int64_t offset = 0;  // the first offset not delivered; the partition's position stays here
  // Where a seek() skips the bad batch: the offset after it when its extent is known, else
  // offset + 1 (then a fetch from there may meet the same batch and report it again).
  int64_t next_offset = 0;
};

class Consumer;

// What a transactional producer needs of a group member to commit offsets for it inside a
// transaction (Producer::send_offsets_to_transaction): the group and this member's generation.
struct ConsumerGroupMetadata {
  std::string group_id;
  int32_t generation = -1;  // -1 with an empty member id: not a member (no generation check)
  std::string member_id;
};

// Called inside poll() when the group takes partitions away or hands new ones over.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void on_partitions_revoked(Consumer&, const std::vector<TopicPartition>&) {}
  virtual void on_partitions_assigned(Consumer&, const std::vector<TopicPartition>&) {}
};

class Consumer {
 public:
  static Result<std::unique_ptr<Consumer>> create(ConsumerConfig config);
  // close().
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Joins the group (at the next poll) for these topics. `listener` must outlive the consumer.
  Status subscribe(std::vector<std::string> topics, RebalanceListener* listener = nullptr);
  // Reads exactly these partitions, without group membership.
  Status assign(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> assignment() const;

  // Up to max_poll_records records, waiting up to `timeout` for some. Runs rebalances,
  // auto-commits and offset resets as needed. kCorruption: a batch failed verification (see
  // last_corrupt_batch()); the next poll() goes on with the other partitions.
  Result<std::vector<ConsumerRecord>> poll(std::chrono::milliseconds timeout);
  // poll() without copying: the records view the fetched batches (ConsumerRecordView), which the
  // consumer keeps until the next poll() or poll_views(). The same records, positions, errors
  // and rebalances as poll(); no allocation per record.
  Result<std::span<const ConsumerRecordView>> poll_views(std::chrono::milliseconds timeout);
  // After a poll() that returned kCorruption: which partition and offset, and where to seek()
  // past the bad batch. nullopt after any other poll().
  std::optional<CorruptBatch> last_corrupt_batch() const;

  // The group id, and this member's generation and member id as of the last rebalance.
  ConsumerGroupMetadata group_metadata() const;

  // Commits the current positions of every assigned partition.
  Status commit();
  // Commits the given next-offsets.
  Status commit(const std::map<TopicPartition, int64_t>& offsets);
  // As commit(), without waiting; `done` runs on the I/O thread.
  void commit_async(std::function<void(Status)> done = {});
  // The committed next-offset of a partition, or nullopt.
  Result<std::optional<int64_t>> committed(const TopicPartition& tp);

  // The next poll() returns records of `tp` from `offset` on (an offset outside the partition
  // applies auto_offset_reset). Clears a corrupt batch the partition had stopped at.
  Status seek(const TopicPartition& tp, int64_t offset);
  Status seek_to_beginning(const std::vector<TopicPartition>& partitions);
  Status seek_to_end(const std::vector<TopicPartition>& partitions);
  Result<int64_t> position(const TopicPartition& tp);
  // Paused partitions are neither fetched nor returned; their positions stay.
  void pause(const std::vector<TopicPartition>& partitions);
  void resume(const std::vector<TopicPartition>& partitions);

  // Commits (with auto-commit), leaves the group and stops. Idempotent.
  void close();

 private:
  struct Impl;
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::client
