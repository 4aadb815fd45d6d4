// ListOffsets: the earliest or latest offset of partitions, or the first offset at or after a
// timestamp, each answered by the partition's shard.
#include <map>

#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

struct Entry {
  size_t topic;
  size_t partition;
  std::string topic_name;
  protocol::ListOffsetsPartition request;
};

awaitable<std::vector<protocol::ListOffsetsPartitionResult>> list_on_shard(
    Shard& shard, std::vector<Entry> entries) {
  std::vector<protocol::ListOffsetsPartitionResult> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    auto& r = out[i];
    r.partition = e.request.partition;
    Partition* p = shard.find(e.topic_name, e.request.partition);
    if (p == nullptr) {
      r.error = ErrorCode::kUnknownTopicOrPartition;
      continue;
    }
    if (!p->log()) {
      r.error = ErrorCode::kPartitionOffline;
      continue;
    }
    if (e.request.timestamp == protocol::kLatestTimestamp) {
      r.offset = p->log()->high_watermark().value();
    } else if (e.request.timestamp == protocol::kEarliestTimestamp) {
      r.offset = p->log()->log_start_offset().value();
    } else {
      auto found = p->log()->offset_for_timestamp(timestamp_from_millis(e.request.timestamp));
      if (!found) {
        r.error = to_error_code(found.error());
      } else {
        r.offset = found->has_value() ? (*found)->value() : -1;
      }
    }
  }
  co_return out;
}

}  // namespace

awaitable<HandlerResult> handle_list_offsets(RequestContext& ctx) {
  auto request = protocol::ListOffsetsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  protocol::ListOffsetsResponse response;
  std::map<unsigned, std::vector<Entry>> by_shard;
  for (size_t t = 0; t < request->topics.size(); ++t) {
    const auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      unsigned shard = ctx.broker.shard_for(topic.name, topic.partitions[p].partition).id();
      by_shard[shard].push_back(Entry{t, p, topic.name, topic.partitions[p]});
    }
  }
  std::vector<std::pair<asio::any_io_executor,
                        awaitable<std::vector<protocol::ListOffsetsPartitionResult>>>> tasks;
  std::vector<std::vector<Entry>> routed;
  for (auto& [shard, entries] : by_shard) {
    routed.push_back(entries);
    tasks.emplace_back(ctx.broker.shard(shard).executor(),
                       list_on_shard(ctx.broker.shard(shard), std::move(entries)));
  }
  auto results = co_await gather(std::move(tasks));
  for (size_t s = 0; s < results.size(); ++s) {
    for (size_t i = 0; i < results[s].size(); ++i) {
      const Entry& e = routed[s][i];
      response.topics[e.topic].partitions[e.partition] = results[s][i];
    }
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
