// Produce: each partition's RecordBatch v2 batches are verified (CRC-32C and header rules) and
// translated into Cairn batches with the same records bytes (a new header; compressed payloads
// untouched), then appended by the same operation as Cairn's producers use, so idempotent
// producers' sequences are checked against the same state. A transactional batch (attributes
// bit 4) keeps its bit, producer id and epoch, so it is taken only in a partition its producer's
// open transaction added (KIP-890, INVALID_TXN_STATE otherwise) and its transaction's marker ends
// it; a control batch (bit 5) from a client is refused (INVALID_RECORD). A partition whose
// batches cannot be parsed gets its error without reaching storage. With acks=0 nothing is
// answered.
#include <algorithm>

#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "protocol/kafka/record_batch.h"

namespace cairn::broker::kafka {

namespace {

constexpr uint64_t kBytesPerPartition =
    sizeof(pk::PartitionProduceData) + sizeof(pk::PartitionProduceResponse) + sizeof(Status);
constexpr uint64_t kBytesPerTopic = sizeof(pk::TopicProduceData) + sizeof(pk::TopicProduceResponse);

// The Cairn batches of one partition's Kafka records, or why they cannot be stored.
struct Translated {
  std::vector<std::byte> bytes;
  Status status;
};

// Translates every batch of `records` (at least one) into `out.bytes`, charging their size to
// `memory` before it allocates.
void translate(protocol::Bytes records, MemoryCharge& memory, Translated& out) {
  std::vector<pk::KafkaBatch> batches;
  uint64_t total = 0;
  size_t at = 0;
  while (at < records.size()) {
    auto batch = pk::parse_kafka_batch(records.subspan(at));
    if (!batch) {
      out.status = batch.error();
      return;
    }
    total += batch->header.batch_length;
    at += batch->size;
    batches.push_back(*batch);
  }
  if (batches.empty()) {
    out.status = Status::corruption("no record batch");
    return;
  }
  memory.add(total);
  out.bytes.resize(total);
  size_t written = 0;
  for (const auto& b : batches) {
    pk::write_cairn_batch(
        b, protocol::MutableBytes(out.bytes).subspan(written, b.header.batch_length));
    written += b.header.batch_length;
  }
}

pk::ErrorCode parse_error(const Status& s) {
  // Magic 0 or 1: message formats before RecordBatch v2 are not stored.
  if (s.is_invalid_argument()) return pk::ErrorCode::kUnsupportedForMessageFormat;
  return pk::ErrorCode::kCorruptMessage;
}

// Owns the translated batches while appends may still hold them.
struct ProduceBuffers {
  std::vector<Translated> partitions;
};

}  // namespace

awaitable<KafkaReply<pk::ProduceResponse>> handle(KafkaContext& ctx, pk::ProduceRequest r) {
  uint64_t work = 0;
  size_t count = 0;
  for (const auto& t : r.topic_data) {
    work +=
        kBytesPerTopic + 2 * t.name.size() +
        (kBytesPerPartition + sizeof(Translated) + kProduceBytesPerEntry) * t.partition_data.size();
    count += t.partition_data.size();
  }
  ctx.memory.add(work);
  auto buffers = std::make_shared<ProduceBuffers>();
  buffers->partitions.resize(count);
  std::vector<ProduceEntry> entries;
  std::vector<size_t> entry_of(count, SIZE_MAX);
  size_t i = 0;
  for (const auto& t : r.topic_data) {
    for (const auto& p : t.partition_data) {
      Translated& tr = buffers->partitions[i];
      if (p.records.is_null()) {
        tr.status = Status::corruption("null records");
      } else {
        translate(p.records.bytes(), ctx.memory, tr);
      }
      if (tr.status.is_ok()) {
        entry_of[i] = entries.size();
        entries.push_back(ProduceEntry{t.name, p.index, protocol::MutableBytes(tr.bytes)});
      }
      ++i;
    }
  }
  std::vector<ProduceOutcome> outcomes;
  ProduceAcks acks{r.acks == -1, std::chrono::milliseconds(std::max(r.timeout_ms, 0))};
  if (!entries.empty()) outcomes = co_await ctx.ops.produce(entries, buffers, acks);
  if (r.acks == 0) co_return KafkaReply<pk::ProduceResponse>::none();

  pk::ProduceResponse response;
  response.responses.reserve(r.topic_data.size());
  i = 0;
  for (const auto& t : r.topic_data) {
    auto& out = response.responses.emplace_back();
    out.name = t.name;
    out.partition_responses.reserve(t.partition_data.size());
    for (const auto& p : t.partition_data) {
      auto& result = out.partition_responses.emplace_back();
      result.index = p.index;
      if (entry_of[i] == SIZE_MAX) {
        const Status& s = buffers->partitions[i].status;
        result.error_code = pk::code_of(parse_error(s));
        result.base_offset = -1;
        result.error_message = s.message();
      } else {
        ProduceOutcome& o = outcomes[entry_of[i]];
        result.error_code = kafka_code(o.error);
        result.base_offset = o.base_offset;
        result.log_start_offset = o.log_start_offset;
        if (!o.message.empty()) result.error_message = std::move(o.message);
      }
      ++i;
    }
  }
  co_return response;
}

}  // namespace cairn::broker::kafka
