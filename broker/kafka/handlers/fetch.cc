// Fetch: the request's partitions go to the same fetch operation as Cairn's consumers (Kafka's
// rules: whole batches, the first batch of the answer even past max bytes, min bytes and max
// wait as a long poll). Each stored batch goes out as a RecordBatch v2 with the same records:
// a 61-byte Kafka header written from the stored header, whose CRC-32C covers the records, so
// the records are read into memory once to checksum them and sent from there. Fetch sessions
// (KIP-227) are not kept: every answer is a full one with session id 0. A read_committed fetch
// (IsolationLevel 1) reads below the last stable offset and gets the aborted transactions its
// batches overlap, which the client drops (KIP-98).
#include "broker/kafka/error_mapping.h"
#include "broker/kafka/handlers.h"
#include "protocol/kafka/crc32c.h"
#include "protocol/kafka/record_batch.h"

namespace cairn::broker::kafka {

namespace {

constexpr uint64_t kBytesPerPartition = sizeof(pk::FetchPartition) + sizeof(pk::FetchPartitionData);
constexpr uint64_t kBytesPerTopic = sizeof(pk::FetchTopic) + sizeof(pk::FetchableTopicResponse);

// The stored batches of `slices`, read into `buffer`, as Kafka batches appended to `records`
// (headers copied, records viewed in `buffer`, which must outlive the encode).
Status translate(const std::vector<storage::LogSlice>& slices, std::vector<std::byte>& buffer,
                 pk::Records& records) {
  size_t total = 0;
  for (const auto& s : slices) total += s.size_bytes;
  buffer.resize(total);
  size_t at = 0;
  for (const auto& s : slices) {
    auto n = s.file->read_at(s.position, std::span<std::byte>(buffer).subspan(at, s.size_bytes));
    if (!n) return n.error();
    if (*n != s.size_bytes) return Status::corruption("stored batches end early");
    at += s.size_bytes;
  }
  protocol::Bytes all(buffer);
  size_t pos = 0;
  while (pos < all.size()) {
    auto header = protocol::decode_batch_header(all.subspan(pos));
    if (!header) return header.error();
    size_t length = header->batch_length;
    if (length < protocol::batch::kHeaderSize || length > all.size() - pos) {
      return Status::corruption("stored batch length out of range");
    }
    protocol::Bytes body =
        all.subspan(pos + protocol::batch::kHeaderSize, length - protocol::batch::kHeaderSize);
    std::array<std::byte, pk::batch::kHeaderSize> kafka_header;
    pk::write_kafka_header(*header, pk::crc32c(body), kafka_header);
    records.append_copy(kafka_header);
    records.append_view(body);
    pos += length;
  }
  return Status::ok();
}

}  // namespace

awaitable<KafkaReply<pk::FetchResponse>> handle(KafkaContext& ctx, pk::FetchRequest r) {
  uint64_t work = 0;
  size_t count = 0;
  for (const auto& t : r.topics) {
    work += kBytesPerTopic + 2 * t.topic.size() +
            (kBytesPerPartition + kFetchBytesPerEntry) * t.partitions.size();
    count += t.partitions.size();
  }
  ctx.memory.add(work);
  std::vector<FetchEntry> entries;
  entries.reserve(count);
  for (const auto& t : r.topics) {
    for (const auto& p : t.partitions) {
      entries.push_back(FetchEntry{t.topic, p.partition, Offset(p.fetch_offset),
                                   static_cast<uint32_t>(std::max(p.partition_max_bytes, 0))});
    }
  }
  // IsolationLevel (v4 on): read_committed reads below the last stable offset and is told the
  // aborted transactions it overlaps.
  const bool read_committed = r.isolation_level == 1;
  FetchLimits limits{std::chrono::milliseconds(std::max(r.max_wait_ms, 0)),
                     static_cast<uint32_t>(std::max(r.min_bytes, 0)),
                     static_cast<uint32_t>(std::max(r.max_bytes, 0)), -1, read_committed};
  auto reads = co_await ctx.ops.fetch(entries, limits);

  uint64_t read_bytes = 0;
  for (const auto& read : reads) read_bytes += read.bytes;
  ctx.memory.add(read_bytes);
  std::vector<std::vector<std::byte>> buffers(reads.size());

  pk::FetchResponse response;
  response.responses.reserve(r.topics.size());
  size_t i = 0;
  for (const auto& t : r.topics) {
    auto& out = response.responses.emplace_back();
    out.topic = t.topic;
    out.partitions.resize(t.partitions.size());
    for (size_t p = 0; p < t.partitions.size(); ++p, ++i) {
      PartitionRead& read = reads[i];
      auto& result = out.partitions[p];
      result.partition_index = t.partitions[p].partition;
      result.error_code = kafka_code(read.error);
      result.high_watermark = read.high_watermark;
      result.last_stable_offset = read.last_stable_offset;
      if (read_committed) {
        auto& aborted = result.aborted_transactions.emplace();
        aborted.reserve(read.aborted.size());
        for (const storage::AbortedTxn& a : read.aborted) {
          aborted.push_back({a.producer_id, a.first_offset.value()});
        }
      }
      result.log_start_offset = read.log_start_offset;
      result.records = pk::Records::empty();
      if (read.bytes == 0) continue;
      if (Status s = translate(read.slices, buffers[i], result.records); !s.is_ok()) {
        result.records = pk::Records::empty();
        result.error_code = pk::code_of(pk::ErrorCode::kKafkaStorageError);
      }
    }
  }
  KafkaReply<pk::FetchResponse> reply(std::move(response));
  reply.buffers = std::move(buffers);
  co_return reply;
}

}  // namespace cairn::broker::kafka
