// Produce: route each partition's batches to the shard that owns the partition, append them
// there (the storage log groups concurrent appends into one write and one sync), and answer
// when every append is done. The request holds its memory and its in-flight slot until then, so
// a slow disk slows producers down instead of letting appends pile up. (The request's timeout is
// for waiting on replicas under acks=all; a single node has none.)
#include <map>

#include "broker/broker.h"
#include "broker/error_mapping.h"
#include "broker/handlers/dispatch.h"
#include "broker/topic_admin.h"
#include "protocol/messages/produce.h"
#include "protocol/wire_format.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

struct Entry {
  size_t topic;      // index in the request
  size_t partition;  // index in the topic
  std::string topic_name;
  int32_t partition_id;
  protocol::MutableBytes records;
};

// The batches of one partition entry, back to back, each as long as its length field says.
Result<std::vector<protocol::MutableBytes>> split_batches(protocol::MutableBytes records) {
  std::vector<protocol::MutableBytes> out;
  while (!records.empty()) {
    if (records.size() < protocol::batch::kHeaderSize) {
      return Status::corruption("records end inside a batch header");
    }
    uint32_t length = protocol::peek_batch_length(records);
    if (length < protocol::batch::kHeaderSize || length > records.size()) {
      return Status::corruption("batch length " + std::to_string(length) + " does not fit the " +
                                std::to_string(records.size()) + " record bytes left");
    }
    out.push_back(records.first(length));
    records = records.subspan(length);
  }
  if (out.empty()) return Status::invalid_argument("no record batch");
  return out;
}

// The appends of one shard's entries, counted down as their callbacks arrive on that shard.
struct ShardAppends {
  ShardAppends(const asio::any_io_executor& ex, std::shared_ptr<const void> owner)
      : notifier(ex), request_bytes(std::move(owner)) {}
  std::vector<protocol::ProducePartitionResult> results;
  size_t outstanding = 0;
  Notifier notifier;
  std::shared_ptr<const void> request_bytes;  // the batches appended; freed after the last append
};

awaitable<std::vector<protocol::ProducePartitionResult>> produce_on_shard(
    Shard& shard, std::vector<Entry> entries, std::shared_ptr<const void> request_bytes) {
  auto state = std::make_shared<ShardAppends>(shard.executor(), std::move(request_bytes));
  state->results.resize(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Entry& e = entries[i];
    auto& result = state->results[i];
    result.partition = e.partition_id;
    Partition* p = shard.find(e.topic_name, e.partition_id);
    if (p == nullptr) {
      result.error = ErrorCode::kUnknownTopicOrPartition;
      result.message = "no partition " + std::to_string(e.partition_id) + " of topic '" +
                       e.topic_name + "'";
      continue;
    }
    if (!p->log()) {
      result.error = ErrorCode::kPartitionOffline;
      result.message = p->offline_reason().message();
      continue;
    }
    auto batches = split_batches(e.records);
    if (!batches) {
      result.error = batches.error().code() == Status::Code::kCorruption
                         ? ErrorCode::kCorruptMessage
                         : ErrorCode::kInvalidRequest;
      result.message = batches.error().message();
      continue;
    }
    result.log_start_offset = p->log()->log_start_offset().value();
    for (size_t b = 0; b < batches->size(); ++b) {
      ++state->outstanding;
      p->log()->append((*batches)[b], [state, i, b](Result<storage::AppendResult> r) {
        auto& res = state->results[i];
        if (!r) {
          if (res.error == ErrorCode::kNone) {
            res.error = to_error_code(r.error());
            res.message = r.error().message();
          }
        } else if (b == 0) {
          res.base_offset = r->base_offset.value();
        }
        if (--state->outstanding == 0) state->notifier.notify_all();
      });
    }
  }
  while (state->outstanding > 0) co_await state->notifier.wait();
  co_return state->results;
}

}  // namespace

awaitable<HandlerResult> handle_produce(RequestContext& ctx) {
  auto request = protocol::ProduceRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());

  protocol::ProduceResponse response;
  std::map<unsigned, std::vector<Entry>> by_shard;
  for (size_t t = 0; t < request->topics.size(); ++t) {
    auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    // Without auto-create the owner shard's lookup is the only check, so the produce path
    // never touches the shared topic registry.
    bool known = !ctx.broker.config().auto_create_topics ||
                 co_await ensure_topic(ctx.broker, topic.name);
    for (size_t p = 0; p < topic.partitions.size(); ++p) {
      auto& res = out.partitions[p];
      res.partition = topic.partitions[p].partition;
      if (ctx.broker.shutting_down()) {
        res.error = ErrorCode::kBrokerShuttingDown;
      } else if (is_internal_topic(topic.name)) {
        res.error = ErrorCode::kInvalidTopicName;
        res.message = "internal topics take no produce requests";
      } else if (!known) {
        res.error = ErrorCode::kUnknownTopicOrPartition;
        res.message = "topic '" + topic.name + "' does not exist";
      } else {
        unsigned shard = ctx.broker.shard_for(topic.name, res.partition).id();
        by_shard[shard].push_back(Entry{t, p, topic.name, res.partition, topic.partitions[p].records});
      }
    }
  }

  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<protocol::ProducePartitionResult>>>> tasks;
  std::vector<std::vector<Entry>> routed;
  for (auto& [shard, entries] : by_shard) {
    Shard& s = ctx.broker.shard(shard);
    routed.push_back(entries);
    tasks.emplace_back(s.executor(), produce_on_shard(s, std::move(entries), ctx.body_owner));
  }
  auto results = co_await gather(std::move(tasks));
  for (size_t s = 0; s < results.size(); ++s) {
    for (size_t i = 0; i < results[s].size(); ++i) {
      const Entry& e = routed[s][i];
      response.topics[e.topic].partitions[e.partition] = std::move(results[s][i]);
    }
  }
  if (request->acks == 0) co_return std::nullopt;
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
