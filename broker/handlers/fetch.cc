// Fetch: read stored batches from the partitions' shards; if fewer than min_bytes are there,
// wait for an append to any of them (a long poll woken by the partition, no polling loop) or
// for max_wait. Partitions with errors do not end the wait unless every partition has one.
// The batches go out as they are stored, with sendfile, within the response's and each
// partition's max bytes.
#include <algorithm>
#include <map>

#include <boost/asio/post.hpp>

#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/fetch.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// A partition entry of the request, by position: the request owns the names, so routing a
// partition to its shard copies none of them.
struct Entry {
  uint32_t topic;
  uint32_t partition;
  size_t flat;  // position among every partition entry of the request
};

struct PartitionRead {
  ErrorCode error = ErrorCode::kNone;
  int64_t high_watermark = -1;
  int64_t log_start_offset = -1;
  std::vector<storage::LogSlice> slices;
  uint64_t bytes = 0;
  bool more = false;  // stopped at max bytes with more data behind: waiting would not help
};

// Wakes the fetch's coroutine, on its own shard, when a partition gets new data.
class FetchWaiter final : public DataWaiter {
 public:
  explicit FetchWaiter(const asio::any_io_executor& ex) : executor_(ex), notifier_(ex) {}
  void wake() override {
    asio::post(executor_, [self = weak_from_this()] {
      if (auto s = self.lock()) {
        s->woken_ = true;
        s->notifier_.notify_all();
      }
    });
  }
  awaitable<void> wait_until(SteadyTime deadline) {
    if (!woken_) co_await notifier_.wait_until(deadline);
  }
  std::weak_ptr<FetchWaiter> weak_from_this() { return self_; }
  static std::shared_ptr<FetchWaiter> make(const asio::any_io_executor& ex) {
    auto w = std::make_shared<FetchWaiter>(ex);
    w->self_ = w;
    return w;
  }

 private:
  asio::any_io_executor executor_;
  Notifier notifier_;
  bool woken_ = false;
  std::weak_ptr<FetchWaiter> self_;
};

// What one read of a partition may return: whole batches from the fetch offset while they fit
// in both `partition_bytes` and `response_bytes`. The first batch may pass `partition_bytes` if
// it fits in `response_bytes`, and passes both when `first_always`.
struct ReadLimit {
  uint64_t partition_bytes;
  uint64_t response_bytes;
  bool first_always;
};

// On the partition's shard. Registers `waiter` (if any) when the partition was read to its end.
PartitionRead read_partition(Shard& shard, std::string_view topic,
                             const protocol::FetchPartition& request, ReadLimit limit,
                             const std::shared_ptr<FetchWaiter>& waiter) {
  PartitionRead r;
  Partition* p = shard.find(topic, request.partition);
  if (p == nullptr) {
    r.error = ErrorCode::kUnknownTopicOrPartition;
    return r;
  }
  if (!p->log()) {
    r.error = ErrorCode::kPartitionOffline;
    return r;
  }
  const storage::PartitionLog& log = *p->log();
  r.high_watermark = log.high_watermark().value();
  r.log_start_offset = log.log_start_offset().value();
  if (request.fetch_offset < r.log_start_offset || request.fetch_offset > r.high_watermark) {
    r.error = ErrorCode::kOffsetOutOfRange;
    return r;
  }
  Offset next(request.fetch_offset);
  const uint64_t cap = std::min(limit.partition_bytes, limit.response_bytes);
  while (next < log.high_watermark()) {
    bool first = r.slices.empty();
    uint64_t room = cap > r.bytes ? cap - r.bytes : 0;
    if (!first && room == 0) break;
    auto slice = log.read(next, static_cast<uint32_t>(std::clamp<uint64_t>(room, 1, UINT32_MAX)));
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
  r.more = next < log.high_watermark();
  // Wait only on partitions read to their end: one with more data would wake us at once.
  if (waiter && r.error == ErrorCode::kNone && !r.more) p->wait_for_data(next, waiter);
  return r;
}

// On the owner shard: reads each entry's partition within its own max bytes (and the
// response's), the first batch of each even if larger.
awaitable<std::vector<PartitionRead>> read_on_shard(Shard& shard,
                                                    const protocol::FetchRequest& request,
                                                    const std::vector<Entry>& entries,
                                                    std::shared_ptr<FetchWaiter> waiter) {
  std::vector<PartitionRead> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& topic = request.topics[entries[i].topic];
    const auto& partition = topic.partitions[entries[i].partition];
    ReadLimit limit{partition.max_bytes, request.max_bytes, true};
    out[i] = read_partition(shard, topic.name, partition, limit, waiter);
  }
  co_return out;
}

awaitable<PartitionRead> read_one_on_shard(Shard& shard, const protocol::FetchRequest& request,
                                           Entry entry, ReadLimit limit) {
  const auto& topic = request.topics[entry.topic];
  co_return read_partition(shard, topic.name, topic.partitions[entry.partition], limit, nullptr);
}

// Memory a fetch builds per partition entry and per topic (the request as decoded, the routing,
// the reads and the response), charged before it is built.
constexpr uint64_t kBytesPerPartition = sizeof(protocol::FetchPartition) + sizeof(Entry) +
                                        sizeof(PartitionRead) + sizeof(storage::LogSlice) +
                                        sizeof(protocol::FetchPartitionResult) + 64;
constexpr uint64_t kBytesPerTopic = sizeof(protocol::FetchTopic) + sizeof(protocol::FetchTopicResult);

}  // namespace

awaitable<HandlerResult> handle_fetch(RequestContext& ctx) {
  auto request = protocol::FetchRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  uint64_t work = 0;
  size_t partition_count = 0;
  for (const auto& t : request->topics) {
    work += kBytesPerTopic + 2 * t.name.size() + kBytesPerPartition * t.partitions.size();
    partition_count += t.partitions.size();
  }
  ctx.memory.add(work);
  auto max_wait = std::min(std::chrono::milliseconds(request->max_wait_ms),
                           ctx.broker.config().limits.max_fetch_wait);
  // Keep every response frame well inside its 32-bit length.
  constexpr uint32_t kMaxResponseBytes = 256u << 20;
  request->max_bytes = std::min(request->max_bytes, kMaxResponseBytes);
  for (auto& t : request->topics) {
    for (auto& p : t.partitions) p.max_bytes = std::min(p.max_bytes, kMaxResponseBytes);
  }
  auto deadline = std::chrono::steady_clock::now() + max_wait;

  std::map<unsigned, std::vector<Entry>> by_shard;
  std::vector<Entry> entries(partition_count);
  std::vector<PartitionRead> reads(partition_count);
  size_t failed = 0;  // entries answered with an error without a read
  protocol::FetchResponse response;
  size_t flat = 0;
  for (uint32_t t = 0; t < request->topics.size(); ++t) {
    const auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    bool valid = is_valid_topic_name(topic.name);
    for (uint32_t p = 0; p < topic.partitions.size(); ++p, ++flat) {
      out.partitions[p].partition = topic.partitions[p].partition;
      entries[flat] = Entry{t, p, flat};
      if (!valid) {
        reads[flat].error = ErrorCode::kInvalidTopicName;
        ++failed;
        continue;
      }
      unsigned shard = ctx.broker.shard_for(topic.name, topic.partitions[p].partition).id();
      by_shard[shard].push_back(entries[flat]);
    }
  }

  for (;;) {
    bool may_wait = std::chrono::steady_clock::now() < deadline;
    auto waiter = may_wait ? FetchWaiter::make(ctx.shard.executor()) : nullptr;
    std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<PartitionRead>>>> tasks;
    for (auto& [shard, shard_entries] : by_shard) {
      Shard& s = ctx.broker.shard(shard);
      tasks.emplace_back(s.executor(), read_on_shard(s, *request, shard_entries, waiter));
    }
    auto shard_reads = co_await gather(std::move(tasks));
    uint64_t total = 0;
    size_t errors = failed;
    bool more = false;
    size_t s = 0;
    for (auto& [shard, shard_entries] : by_shard) {
      for (size_t i = 0; i < shard_entries.size(); ++i) {
        PartitionRead& r = shard_reads[s][i];
        total += r.bytes;
        errors += r.error != ErrorCode::kNone ? 1 : 0;
        more = more || r.more;
        reads[shard_entries[i].flat] = std::move(r);
      }
      ++s;
    }
    // Errors are answered at once only when no partition could bring data.
    bool all_failed = partition_count > 0 && errors == partition_count;
    if (total >= request->min_bytes || all_failed || more || !waiter ||
        ctx.broker.shutting_down()) {
      break;
    }
    co_await waiter->wait_until(deadline);
  }

  // Partitions fill the response in request order within its max bytes: the first batch of the
  // response always goes; the partition the limit cuts short is read again for the whole
  // batches that fit, and the partitions after it get none.
  uint64_t room = request->max_bytes;
  bool any = false, full = false;
  for (const Entry& e : entries) {
    PartitionRead& r = reads[e.flat];
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
    const auto& topic = request->topics[e.topic];
    Shard& owner = ctx.broker.shard_for(topic.name, topic.partitions[e.partition].partition);
    ReadLimit limit{topic.partitions[e.partition].max_bytes, room, !any};
    r = co_await run_on(owner.executor(), read_one_on_shard(owner, *request, e, limit));
    room -= std::min(room, r.bytes);
    any = any || r.bytes > 0;
    full = true;
  }

  OutboundFrame frame;
  for (const Entry& e : entries) {
    PartitionRead& r = reads[e.flat];
    auto& out = response.topics[e.topic].partitions[e.partition];
    out.error = r.error;
    out.high_watermark = r.high_watermark;
    out.log_start_offset = r.log_start_offset;
    if (r.bytes > 0) {
      out.external_size = static_cast<uint32_t>(r.bytes);
      out.external_id = static_cast<uint32_t>(frame.sources.size());
      frame.sources.push_back(std::move(r.slices));
    }
  }
  protocol::Encoder e(frame.bytes);
  protocol::begin_response(e, ctx.header.correlation_id, ErrorCode::kNone, "");
  response.encode(e, ctx.header.api_version);
  e.end_frame();
  frame.external = e.external();
  co_return frame;
}

}  // namespace cairn::broker
