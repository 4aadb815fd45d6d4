// Fetch: read stored batches from the partitions' shards; if fewer than min_bytes are there,
// wait for an append to any of them (a long poll woken by the partition, no polling loop) or
// for max_wait. The batches go out as they are stored, with sendfile.
#include <map>

#include <boost/asio/post.hpp>

#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "protocol/messages/fetch.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

struct Entry {
  size_t topic;
  size_t partition;
  std::string topic_name;
  protocol::FetchPartition request;
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

// On the owner shard: reads each entry's partition from its fetch offset, up to its max bytes
// (whole batches, across segments). Registers `waiter` with every partition it reads.
awaitable<std::vector<PartitionRead>> read_on_shard(Shard& shard, std::vector<Entry> entries,
                                                    std::shared_ptr<FetchWaiter> waiter) {
  std::vector<PartitionRead> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    PartitionRead& r = out[i];
    Partition* p = shard.find(e.topic_name, e.request.partition);
    if (p == nullptr) {
      r.error = ErrorCode::kUnknownTopicOrPartition;
      continue;
    }
    if (!p->log()) {
      r.error = ErrorCode::kPartitionOffline;
      continue;
    }
    const storage::PartitionLog& log = *p->log();
    r.high_watermark = log.high_watermark().value();
    r.log_start_offset = log.log_start_offset().value();
    Offset next(e.request.fetch_offset);
    uint64_t budget = e.request.max_bytes;
    while (next < log.high_watermark() && (r.bytes == 0 || r.bytes < budget)) {
      auto slice = log.read(next, static_cast<uint32_t>(std::max<uint64_t>(budget - std::min(budget, r.bytes), 1)));
      if (!slice) {
        if (r.slices.empty()) r.error = to_error_code(slice.error());
        break;
      }
      if (r.bytes > 0 && r.bytes + slice->size_bytes > budget) break;
      r.bytes += slice->size_bytes;
      next = slice->next_offset;
      r.slices.push_back(std::move(*slice));
    }
    if (e.request.fetch_offset < r.log_start_offset || e.request.fetch_offset > r.high_watermark) {
      r.error = ErrorCode::kOffsetOutOfRange;
    }
    r.more = next < log.high_watermark();
    // Wait only on partitions read to their end: one with more data would wake us at once.
    if (waiter && r.error == ErrorCode::kNone && !r.more) p->wait_for_data(next, waiter);
  }
  co_return out;
}

}  // namespace

awaitable<HandlerResult> handle_fetch(RequestContext& ctx) {
  auto request = protocol::FetchRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
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
  protocol::FetchResponse response;
  for (size_t t = 0; t < request->topics.size(); ++t) {
    const auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      out.partitions[p].partition = topic.partitions[p].partition;
      unsigned shard = ctx.broker.shard_for(topic.name, topic.partitions[p].partition).id();
      by_shard[shard].push_back(Entry{t, p, topic.name, topic.partitions[p]});
    }
  }

  std::vector<std::vector<PartitionRead>> reads;
  for (;;) {
    bool may_wait = std::chrono::steady_clock::now() < deadline;
    auto waiter = may_wait ? FetchWaiter::make(ctx.shard.executor()) : nullptr;
    std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<PartitionRead>>>> tasks;
    for (auto& [shard, entries] : by_shard) {
      Shard& s = ctx.broker.shard(shard);
      tasks.emplace_back(s.executor(), read_on_shard(s, entries, waiter));
    }
    reads = co_await gather(std::move(tasks));
    uint64_t total = 0;
    bool errors = false, more = false;
    for (const auto& shard_reads : reads) {
      for (const auto& r : shard_reads) {
        total += r.bytes;
        errors = errors || r.error != ErrorCode::kNone;
        more = more || r.more;
      }
    }
    if (total >= request->min_bytes || errors || more || !waiter || ctx.broker.shutting_down()) {
      break;
    }
    co_await waiter->wait_until(deadline);
  }

  // Fill in the results within the response's max bytes (the first batch read always goes).
  OutboundFrame frame;
  uint64_t response_bytes = 0;
  size_t s = 0;
  for (auto& [shard, entries] : by_shard) {
    for (size_t i = 0; i < entries.size(); ++i) {
      PartitionRead& r = reads[s][i];
      auto& out = response.topics[entries[i].topic].partitions[entries[i].partition];
      out.error = r.error;
      out.high_watermark = r.high_watermark;
      out.log_start_offset = r.log_start_offset;
      uint32_t size = 0;
      for (auto& slice : r.slices) {
        if (response_bytes > 0 && response_bytes + slice.size_bytes > request->max_bytes) break;
        response_bytes += slice.size_bytes;
        size += slice.size_bytes;
      }
      if (size > 0) {
        out.external_size = size;
        out.external_id = static_cast<uint32_t>(frame.sources.size());
        auto& source = frame.sources.emplace_back();
        for (auto& slice : r.slices) {
          if (size == 0) break;
          size -= slice.size_bytes;
          source.push_back(std::move(slice));
        }
      }
    }
    ++s;
  }
  protocol::Encoder e(frame.bytes);
  protocol::begin_response(e, ctx.header.correlation_id, ErrorCode::kNone, "");
  response.encode(e, ctx.header.api_version);
  e.end_frame();
  frame.external = e.external();
  co_return frame;
}

}  // namespace cairn::broker
