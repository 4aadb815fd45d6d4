// ListOffsets: the earliest or latest offset of partitions, or the first offset at or after a
// timestamp, each answered by the partition's shard.
#include <map>

#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// A partition entry of the request, by position (the request owns the names).
struct Entry {
  uint32_t topic;
  uint32_t partition;
};

protocol::ListOffsetsPartitionResult list_partition(Shard& shard, std::string_view topic,
                                                    const protocol::ListOffsetsPartition& request) {
  protocol::ListOffsetsPartitionResult r;
  r.partition = request.partition;
  Partition* p = shard.find(topic, request.partition);
  if (p == nullptr) {
    r.error = ErrorCode::kUnknownTopicOrPartition;
  } else if (!p->log()) {
    r.error = ErrorCode::kPartitionOffline;
  } else if (request.timestamp == protocol::kLatestTimestamp) {
    r.offset = p->log()->high_watermark().value();
  } else if (request.timestamp == protocol::kEarliestTimestamp) {
    r.offset = p->log()->log_start_offset().value();
  } else {
    auto found = p->log()->offset_for_timestamp(timestamp_from_millis(request.timestamp));
    if (!found) {
      r.error = to_error_code(found.error());
    } else {
      r.offset = found->has_value() ? (*found)->value() : -1;
    }
  }
  return r;
}

awaitable<std::vector<protocol::ListOffsetsPartitionResult>> list_on_shard(
    Shard& shard, const protocol::ListOffsetsRequest& request, const std::vector<Entry>& entries) {
  std::vector<protocol::ListOffsetsPartitionResult> out(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& topic = request.topics[entries[i].topic];
    out[i] = list_partition(shard, topic.name, topic.partitions[entries[i].partition]);
  }
  co_return out;
}

// Memory per partition entry and per topic (request, routing, results, response).
constexpr uint64_t kBytesPerPartition = sizeof(protocol::ListOffsetsPartition) + sizeof(Entry) +
                                        2 * sizeof(protocol::ListOffsetsPartitionResult) + 16;
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::ListOffsetsTopic) + sizeof(protocol::ListOffsetsTopicResult);

}  // namespace

awaitable<HandlerResult> handle_list_offsets(RequestContext& ctx) {
  auto request = protocol::ListOffsetsRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  uint64_t work = 0;
  for (const auto& t : request->topics) {
    work += kBytesPerTopic + 2 * t.name.size() + kBytesPerPartition * t.partitions.size();
  }
  ctx.memory.add(work);
  protocol::ListOffsetsResponse response;
  std::map<unsigned, std::vector<Entry>> by_shard;
  for (uint32_t t = 0; t < request->topics.size(); ++t) {
    const auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    bool valid = is_valid_topic_name(topic.name);
    for (uint32_t p = 0; p < topic.partitions.size(); ++p) {
      out.partitions[p].partition = topic.partitions[p].partition;
      if (!valid) {
        out.partitions[p].error = ErrorCode::kInvalidTopicName;
        continue;
      }
      by_shard[ctx.broker.shard_for(topic.name, topic.partitions[p].partition).id()].push_back(
          Entry{t, p});
    }
  }
  std::vector<std::pair<asio::any_io_executor,
                        awaitable<std::vector<protocol::ListOffsetsPartitionResult>>>> tasks;
  for (auto& [shard, entries] : by_shard) {
    Shard& s = ctx.broker.shard(shard);
    tasks.emplace_back(s.executor(), list_on_shard(s, *request, entries));
  }
  auto results = co_await gather(std::move(tasks));
  size_t s = 0;
  for (auto& [shard, entries] : by_shard) {
    for (size_t i = 0; i < entries.size(); ++i) {
      response.topics[entries[i].topic].partitions[entries[i].partition] = results[s][i];
    }
    ++s;
  }
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
