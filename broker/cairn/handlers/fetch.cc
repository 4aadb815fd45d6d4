// Fetch: the request's partition entries, in order, go to the fetch operation (which waits for
// data as the request asks); the stored batches it returns go out as they are, with sendfile.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

namespace {

// Memory per partition entry and per topic (the request as decoded and the response), beyond
// what the operation builds.
constexpr uint64_t kBytesPerPartition =
    sizeof(protocol::FetchPartition) + sizeof(protocol::FetchPartitionResult);
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::FetchTopic) + sizeof(protocol::FetchTopicResult);

}  // namespace

awaitable<Reply<protocol::FetchResponse>> handle(RequestContext& ctx, protocol::FetchRequest r) {
  auto entries = charge_and_flatten<FetchEntry>(
      ctx, r.topics, kBytesPerTopic, kBytesPerPartition + kFetchBytesPerEntry,
      [](const auto& t, const auto& p) {
        return FetchEntry{t.name, p.partition, Offset(p.fetch_offset), p.max_bytes};
      });
  // Versions 0 and 1 cannot carry the aborted transactions: they read as read_uncommitted.
  FetchLimits limits{std::chrono::milliseconds(r.max_wait_ms), r.min_bytes, r.max_bytes,
                     r.replica_id, r.isolation_level == 1 && ctx.version() >= 2};
  auto reads = co_await ctx.ops.fetch(entries, limits);

  protocol::FetchResponse response;
  std::vector<std::vector<storage::LogSlice>> files;
  response.topics.reserve(r.topics.size());
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    out.partitions.resize(t.partitions.size());
    for (size_t p = 0; p < t.partitions.size(); ++p, ++i) {
      PartitionRead& read = reads[i];
      auto& result = out.partitions[p];
      result.partition = t.partitions[p].partition;
      result.error = read.error;
      result.high_watermark = read.high_watermark;
      result.log_start_offset = read.log_start_offset;
      result.last_stable_offset = read.last_stable_offset;
      result.aborted_transactions.reserve(read.aborted.size());
      for (const storage::AbortedTxn& a : read.aborted) {
        result.aborted_transactions.push_back({a.producer_id, a.first_offset.value()});
      }
      if (read.bytes > 0) {
        result.external_size = static_cast<uint32_t>(read.bytes);
        result.external_id = static_cast<uint32_t>(files.size());
        files.push_back(std::move(read.slices));
      }
    }
  }
  Reply<protocol::FetchResponse> reply(std::move(response));
  reply.files = std::move(files);
  co_return reply;
}

}  // namespace cairn::broker
