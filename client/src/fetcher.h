#pragma once

// Fetcher: a consumer's assigned partitions, their positions, and the records fetched ahead of
// poll() (prefetch).
//
// It owns the fetch connection (separate from the group's, so that a long-polling fetch never
// holds up a heartbeat or a commit behind it) and keeps at most one Fetch in flight, for every
// partition that has a position, is neither paused nor backing off nor stopped at a corrupt
// batch, and has room in its buffer. Answers are decoded (fetched_records.h) and buffered per
// partition until take() hands them out, in turn across partitions; the next fetch goes out as
// soon as one ends, while there is room. A partition the broker refuses (unknown, offline) backs
// off, doubling from retry_backoff to retry_backoff_max per failure in a row; a batch that fails
// verification stops its partition there until a seek. Every change of position (assign, seek,
// positions found) bumps the fetch epoch, so that the answer to an older fetch is dropped.
//
// Threads: the application's thread (poll, seek, pause, positions) and the fetch connection's
// I/O thread (answers) share it; every member is guarded by mu_, which is never held while
// waiting on the connection (a fetch is only queued under it). Answers reach it through a
// weak_ptr. Held by the Consumer through
// shared_ptr; stop() closes the connection before the Consumer lets go of it.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "cairn/consumer.h"
#include "client/src/buffered_records.h"
#include "client/src/connection.h"
#include "client/src/wakeup.h"
#include "protocol/messages/fetch.h"

namespace cairn::client {

class Fetcher : public std::enable_shared_from_this<Fetcher> {
 public:
  Fetcher(const ConsumerConfig& config, ConnectionOptions options, std::shared_ptr<Wakeup> wakeup);

  // Reconnects if the fetch connection is gone (a fetch in flight on the old one is dropped).
  Status ensure_connected();
  // Closes the connection for good; its last answers are dropped.
  void stop();

  // Reads exactly these partitions from now on, each without a position; buffers are dropped.
  void assign(const std::vector<TopicPartition>& partitions);
  std::vector<TopicPartition> assignment() const;

  // The partitions without a position whose backoff has passed: `unknown` ones start at their
  // committed offset (if any), `reset` ones (out of range) at auto_offset_reset.
  struct Unpositioned {
    std::vector<TopicPartition> unknown;
    std::vector<TopicPartition> reset;
  };
  Unpositioned unpositioned() const;
  // Gives these partitions their positions, where they have none yet.
  void set_positions(const std::map<TopicPartition, int64_t>& found);
  // The broker could not give `tp` a position now (`why`): it waits out a backoff.
  void back_off(const TopicPartition& tp, const Status& why);
  // ListOffsets on the fetch connection: earliest, latest or by timestamp. A partition the
  // broker refuses or leaves out fails the call, or, with `failed`, is returned there.
  Result<std::map<TopicPartition, int64_t>> list_offsets(
      const std::vector<TopicPartition>& partitions, int64_t timestamp,
      std::map<TopicPartition, Status>* failed = nullptr);

  // The positions of the partitions that have one: the next offset poll() returns.
  std::map<TopicPartition, int64_t> positions() const;
  // nullopt while unknown; kInvalidArgument when not assigned.
  Result<std::optional<int64_t>> position(const TopicPartition& tp) const;
  // Why `tp` has no position (OK: not looked up yet).
  Status refusal(const TopicPartition& tp) const;
  Status seek(const TopicPartition& tp, int64_t offset);
  void pause(const std::vector<TopicPartition>& partitions);
  void resume(const std::vector<TopicPartition>& partitions);

  // A corrupt batch whose partition's records before it have all been taken, once.
  struct Corruption {
    Status status;
    CorruptBatch where;
  };
  std::optional<Corruption> take_corruption();
  // Up to max_poll_records buffered records, partitions in turn; their positions move past them.
  std::vector<ConsumerRecord> take();
  // take() as views, appended to `out`.
  void take(PolledViews& out);
  // Starts a fetch if none is in flight and some partition wants one.
  void maybe_fetch();

 private:
  // take() into `out`: a std::vector<ConsumerRecord> or PolledViews.
  template <class Out>
  void take_into(Out& out);

  struct PartitionState {
    int64_t position = -1;      // the next offset poll() returns; -1 until known
    int64_t fetch_offset = -1;  // the next offset to fetch
    bool reset = false;         // position out of range: apply auto_offset_reset, not the commit
    bool paused = false;
    int64_t high_watermark = -1;  // as the last fetch reported it
    BufferedRecords buffered;
    size_t buffered_bytes = 0;
    // The batch at fetch_offset failed verification: nothing past it is fetched until a seek.
    std::optional<CorruptBatch> corrupt;
    Status corruption;
    bool corruption_reported = false;
    // The broker refused this partition: neither fetched nor looked up again before retry_at.
    int failures = 0;
    std::chrono::steady_clock::time_point retry_at{};
    Status refusal;
  };

  void start_fetch_locked();
  // How much a fetched compressed batch may decompress to. Called where conn_ is usable.
  size_t max_decompressed_bytes() const;
  void on_fetch(uint64_t epoch, const std::map<TopicPartition, int64_t>& asked,
                size_t max_decompressed_bytes, bool read_committed,
                const Result<Reply<protocol::FetchResponse>>& r);
  void back_off_locked(PartitionState& ps, const Status& why);
  void drop_buffer_locked(PartitionState& ps);

  const ConsumerConfig config_;
  const ConnectionOptions options_;
  const std::shared_ptr<Wakeup> wakeup_;

  mutable std::mutex mu_;
  std::shared_ptr<Connection> conn_;
  bool stopped_ = false;
  std::map<TopicPartition, PartitionState> parts_;
  size_t buffered_bytes_ = 0;
  uint64_t fetch_epoch_ = 0;
  bool fetch_in_flight_ = false;
  int fetch_failures_ = 0;  // fetches failed in a row (no answer, refused as a whole)
  std::chrono::steady_clock::time_point fetch_retry_at_{};  // no fetch before this then
  size_t round_robin_ = 0;
};

}  // namespace cairn::client
