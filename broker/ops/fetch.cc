// Fetch: read stored batches on the partitions' shards; if fewer than min_bytes are there, wait
// for an append to any of them (a long poll woken by the partition, no polling loop) or for
// max_wait. Partitions with errors do not end the wait unless every partition has one. The
// batches go out as they are stored, within the answer's and each partition's max bytes.
#include <algorithm>

#include <boost/asio/post.hpp>

#include "broker/notified_waiter.h"
#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

using FetchWaiter = NotifiedWaiter;

// What one read of a partition may return: whole batches from the fetch offset while they fit
// in both `partition_bytes` and `response_bytes`. The first batch may pass `partition_bytes` if
// it fits in `response_bytes`, and passes both when `first_always`.
struct ReadLimit {
  uint64_t partition_bytes;
  uint64_t response_bytes;
  bool first_always;
  int32_t replica_id;   // FetchLimits::replica_id
  bool read_committed;  // FetchLimits::read_committed
};

// On the partition's shard. Registers `waiter` (if any) when the partition was read to its end.
PartitionRead read_partition(Shard& shard, const FetchEntry& entry, ReadLimit limit,
                             const std::shared_ptr<FetchWaiter>& waiter) {
  PartitionRead r;
  auto partition = shard.find_online(entry.topic, entry.partition);
  if (!partition) {
    r.error = to_error_code(partition.error(), ErrorSubject::kPartition);
    return r;
  }
  Partition& part = **partition;
  const storage::PartitionLog& log = *part.log();
  const bool replica = limit.replica_id >= 0;
  if (replica) part.on_replica_fetch(limit.replica_id, entry.fetch_offset);
  r.counters = part.counters();
  // A consumer reads up to the high watermark (read_committed: the last stable offset); a
  // follower up to the log end.
  const bool committed = limit.read_committed && !replica;
  const Offset end = replica     ? log.high_watermark()
                     : committed ? part.last_stable_offset()
                                 : part.high_watermark();
  r.high_watermark = part.high_watermark().value();
  r.log_start_offset = log.log_start_offset().value();
  r.last_stable_offset = part.last_stable_offset().value();
  if (entry.fetch_offset < log.log_start_offset() || entry.fetch_offset > log.high_watermark()) {
    r.error = ErrorCode::kOffsetOutOfRange;
    return r;
  }
  Offset next = entry.fetch_offset;
  const uint64_t cap = std::min(limit.partition_bytes, limit.response_bytes);
  while (next < end) {
    bool first = r.slices.empty();
    uint64_t room = cap > r.bytes ? cap - r.bytes : 0;
    if (!first && room == 0) break;
    auto slice =
        log.read(next, static_cast<uint32_t>(std::clamp<uint64_t>(room, 1, UINT32_MAX)), end);
    if (!slice) {
      if (first) r.error = to_error_code(slice.error());
      break;
    }
    if (slice->size_bytes == 0) break;
    // A slice is larger than asked for only when it is one batch that alone is.
    if (slice->size_bytes > room &&
        !(first && (limit.first_always || slice->size_bytes <= limit.response_bytes))) {
      break;
    }
    r.bytes += slice->size_bytes;
    next = slice->next_offset;
    r.slices.push_back(std::move(*slice));
  }
  r.more = next < end;
  if (committed && r.bytes > 0) r.aborted = log.aborted_transactions(entry.fetch_offset, next);
  // Wait only on partitions read to their end: one with more data would wake us at once.
  if (waiter && r.error == ErrorCode::kNone && !r.more) {
    part.wait_for_data(next, waiter,
                       replica     ? Partition::WaitFor::kLogEnd
                       : committed ? Partition::WaitFor::kLastStableOffset
                                   : Partition::WaitFor::kHighWatermark);
  }
  return r;
}

// Counts what a fetch returns in its topics' throughput counters, for the shard that answers.
void count_returned(const std::vector<PartitionRead>& reads, unsigned shard) {
  for (const PartitionRead& r : reads) {
    if (!r.counters || r.slices.empty()) continue;
    uint64_t records = 0;
    for (const storage::LogSlice& s : r.slices)
      records += static_cast<uint64_t>(s.next_offset - s.first_offset);
    r.counters->records_out.inc(shard, records);
    r.counters->bytes_out.inc(shard, r.bytes);
  }
}

uint32_t partition_max_bytes(const FetchEntry& entry) {
  return std::min(entry.max_bytes, kMaxFetchBytes);
}

awaitable<PartitionRead> read_one_on_shard(Shard& shard, FetchEntry entry, ReadLimit limit) {
  co_return read_partition(shard, entry, limit, nullptr);
}

}  // namespace

awaitable<std::vector<PartitionRead>> Operations::fetch(std::span<const FetchEntry> entries,
                                                        FetchLimits limits) {
  const uint32_t max_bytes = std::min(limits.max_bytes, kMaxFetchBytes);
  const auto deadline = std::chrono::steady_clock::now() +
                        std::min(limits.max_wait, services_.config().limits.max_fetch_wait);
  std::vector<PartitionRead> reads(entries.size());
  PartitionRouter router(services_.shards());
  for (size_t i = 0; i < entries.size(); ++i) {
    if (!is_valid_topic_name(entries[i].topic) ||
        (limits.replica_id < 0 && is_hidden_topic(entries[i].topic))) {
      reads[i].error = ErrorCode::kInvalidTopicName;
    } else {
      router.add(i, entries[i].topic, entries[i].partition);
    }
  }

  if (limits.replica_id >= 0 && services_.following()) {
    // A follower is no one's leader: another follower must not copy it.
    for (PartitionRead& r : reads) r.error = ErrorCode::kNotLeader;
    co_return reads;
  }
  auto executor = co_await asio::this_coro::executor;
  for (;;) {
    bool may_wait = std::chrono::steady_clock::now() < deadline;
    auto waiter = may_wait ? std::make_shared<FetchWaiter>(executor) : nullptr;
    // Each partition within its own max bytes (and the answer's), its first batch even if larger.
    auto read = [entries, max_bytes, waiter, limits](Shard& shard, size_t i) {
      ReadLimit limit{partition_max_bytes(entries[i]), max_bytes, true, limits.replica_id,
                      limits.read_committed};
      return read_partition(shard, entries[i], limit, waiter);
    };
    co_await router.for_each(reads, read);
    uint64_t total = 0;
    size_t errors = 0;
    bool more = false;
    for (const PartitionRead& r : reads) {
      total += r.bytes;
      errors += r.error != ErrorCode::kNone ? 1 : 0;
      more = more || r.more;
    }
    // Errors are answered at once only when no partition could bring data.
    bool all_failed = !entries.empty() && errors == entries.size();
    if (total >= limits.min_bytes || all_failed || more || !waiter || services_.shutting_down()) {
      break;
    }
    co_await waiter->wait_until(deadline);
  }

  // Partitions fill the answer in order within its max bytes: the first batch of the answer
  // always goes; the partition the limit cuts short is read again for the whole batches that
  // fit, and the partitions after it get none.
  uint64_t room = max_bytes;
  bool any = false, full = false;
  for (size_t i = 0; i < entries.size(); ++i) {
    PartitionRead& r = reads[i];
    if (full) {
      r.slices.clear();
      r.bytes = 0;
      continue;
    }
    if (r.error != ErrorCode::kNone || r.bytes == 0) continue;
    if (r.bytes <= room) {
      room -= r.bytes;
      any = true;
      continue;
    }
    Shard& owner = router.owner(entries[i].topic, entries[i].partition);
    ReadLimit limit{partition_max_bytes(entries[i]), room, !any, limits.replica_id,
                    limits.read_committed};
    r = co_await run_on(owner.executor(), read_one_on_shard(owner, entries[i], limit));
    room -= std::min(room, r.bytes);
    any = any || r.bytes > 0;
    full = true;
  }
  count_returned(reads, Shard::current_id());
  co_return reads;
}

}  // namespace cairn::broker
