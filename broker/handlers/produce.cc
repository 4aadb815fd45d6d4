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

// A partition entry of the request, by position: the request owns the names and the batches,
// so routing a partition to its shard copies neither.
struct Entry {
  uint32_t topic;
  uint32_t partition;
};

// The batches of one partition entry, back to back, each as long as its length field says.
Result<std::vector<protocol::MutableBytes>> split_batches(protocol::MutableBytes records) {
  std::vector<protocol::MutableBytes> out;
  while (!records.empty()) {
    if (records.size() < protocol::batch::kHeaderSize) {
      return Status::invalid_argument("records end inside a batch header");
    }
    uint32_t length = protocol::peek_batch_length(records);
    if (length < protocol::batch::kHeaderSize || length > records.size()) {
      return Status::invalid_argument("batch length " + std::to_string(length) +
                                      " does not fit the " + std::to_string(records.size()) +
                                      " record bytes left");
    }
    out.push_back(records.first(length));
    records = records.subspan(length);
  }
  if (out.empty()) return Status::invalid_argument("no record batch");
  return out;
}

// Checks every batch of an entry that has several, before any is appended, so that a batch
// that can never be stored does not leave the ones before it stored. (An entry of one batch is
// checked by the append itself.)
Status check_batches(const std::vector<protocol::MutableBytes>& batches) {
  if (batches.size() < 2) return Status::ok();
  for (const auto& b : batches) {
    auto view = protocol::RecordBatchView::parse(b, protocol::Verify::kProduced);
    if (!view) return view.error();
    CAIRN_RETURN_IF_ERROR(view->validate_records());
  }
  return Status::ok();
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

// Appends one entry's batches, or fills in why not. Counts its appends in `state`.
void append_entry(Partition* p, const protocol::ProducePartition& entry, uint32_t max_batch_bytes,
                  size_t i, const std::shared_ptr<ShardAppends>& state) {
  auto& result = state->results[i];
  if (p == nullptr) {
    result.error = ErrorCode::kUnknownTopicOrPartition;
    result.message = "the topic has no partition " + std::to_string(entry.partition);
    return;
  }
  if (!p->log()) {
    result.error = ErrorCode::kPartitionOffline;
    result.message = p->offline_reason().message();
    return;
  }
  auto batches = split_batches(entry.records);
  if (!batches) {
    result.error = to_error_code(batches.error());
    result.message = batches.error().message();
    return;
  }
  for (const auto& b : *batches) {
    if (b.size() > max_batch_bytes) {
      result.error = ErrorCode::kMessageTooLarge;
      result.message = "batch of " + std::to_string(b.size()) + " bytes is over the limit of " +
                       std::to_string(max_batch_bytes);
      return;
    }
  }
  if (Status s = check_batches(*batches); !s.is_ok()) {
    result.error = to_error_code(s);
    result.message = s.message();
    return;
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

awaitable<std::vector<protocol::ProducePartitionResult>> produce_on_shard(
    Shard& shard, const protocol::ProduceRequest& request, const std::vector<Entry>& entries,
    std::shared_ptr<const void> request_bytes, uint32_t max_batch_bytes) {
  auto state = std::make_shared<ShardAppends>(shard.executor(), std::move(request_bytes));
  state->results.resize(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& topic = request.topics[entries[i].topic];
    const auto& entry = topic.partitions[entries[i].partition];
    state->results[i].partition = entry.partition;
    append_entry(shard.find(topic.name, entry.partition), entry, max_batch_bytes, i, state);
  }
  while (state->outstanding > 0) co_await state->notifier.wait();
  // An entry that failed reports no base offset, even when a batch before the failing one
  // was stored (PROTOCOL.md, "Produce").
  for (auto& r : state->results) {
    if (r.error != ErrorCode::kNone) r.base_offset = -1;
  }
  co_return std::move(state->results);
}

// Memory a produce builds per partition entry and per topic (the request as decoded, the
// routing, the results and the response), charged before it is built.
constexpr uint64_t kBytesPerPartition = sizeof(protocol::ProducePartition) + sizeof(Entry) +
                                        2 * sizeof(protocol::ProducePartitionResult) + 64;
constexpr uint64_t kBytesPerTopic =
    sizeof(protocol::ProduceTopic) + sizeof(protocol::ProduceTopicResult);

}  // namespace

awaitable<HandlerResult> handle_produce(RequestContext& ctx) {
  auto request = protocol::ProduceRequest::decode(ctx.body, ctx.header.api_version);
  if (!request) co_return respond_error(ctx, ErrorCode::kInvalidRequest, request.error().message());
  uint64_t work = 0;
  for (const auto& t : request->topics) {
    work += kBytesPerTopic + 2 * t.name.size() + kBytesPerPartition * t.partitions.size();
  }
  ctx.memory.add(work);

  protocol::ProduceResponse response;
  std::map<unsigned, std::vector<Entry>> by_shard;
  for (uint32_t t = 0; t < request->topics.size(); ++t) {
    const auto& topic = request->topics[t];
    auto& out = response.topics.emplace_back();
    out.name = topic.name;
    out.partitions.resize(topic.partitions.size());
    bool valid = is_valid_topic_name(topic.name);
    // Without auto-create the owner shard's lookup is the only check, so the produce path
    // never touches the shared topic registry.
    bool known = valid && (!ctx.broker.config().auto_create_topics ||
                           co_await ensure_topic(ctx.broker, topic.name));
    for (uint32_t p = 0; p < topic.partitions.size(); ++p) {
      auto& res = out.partitions[p];
      res.partition = topic.partitions[p].partition;
      if (ctx.broker.shutting_down()) {
        res.error = ErrorCode::kBrokerShuttingDown;
      } else if (!valid) {
        res.error = ErrorCode::kInvalidTopicName;
        res.message = std::string(kTopicNameRule);
      } else if (is_internal_topic(topic.name)) {
        res.error = ErrorCode::kInvalidTopicName;
        res.message = "internal topics take no produce requests";
      } else if (!known) {
        res.error = ErrorCode::kUnknownTopicOrPartition;
        res.message = "the topic does not exist";
      } else {
        by_shard[ctx.broker.shard_for(topic.name, res.partition).id()].push_back(Entry{t, p});
      }
    }
  }

  uint32_t max_batch_bytes = ctx.broker.config().limits.max_batch_bytes;
  std::vector<std::pair<asio::any_io_executor, awaitable<std::vector<protocol::ProducePartitionResult>>>> tasks;
  for (auto& [shard, entries] : by_shard) {
    Shard& s = ctx.broker.shard(shard);
    tasks.emplace_back(s.executor(),
                       produce_on_shard(s, *request, entries, ctx.body_owner, max_batch_bytes));
  }
  auto results = co_await gather(std::move(tasks));
  size_t s = 0;
  for (auto& [shard, entries] : by_shard) {
    for (size_t i = 0; i < entries.size(); ++i) {
      response.topics[entries[i].topic].partitions[entries[i].partition] = std::move(results[s][i]);
    }
    ++s;
  }
  if (request->acks == 0) co_return std::nullopt;
  co_return respond(ctx, response);
}

}  // namespace cairn::broker
