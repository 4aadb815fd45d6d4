#include "client/src/fetched_records.h"

#include "protocol/record_batch.h"
#include "protocol/wire_format.h"

namespace cairn::client {

size_t buffered_size(const ConsumerRecord& r) {
  return 64 + (r.key ? r.key->size() : 0) + (r.value ? r.value->size() : 0);
}

int64_t resume_offset(protocol::Bytes bytes, int64_t offset) {
  auto h = protocol::decode_batch_header(bytes);
  if (!h || h->batch_length < protocol::batch::kHeaderSize || h->batch_length > bytes.size() ||
      protocol::header_checksum(bytes) != h->header_checksum) {
    return offset + 1;
  }
  protocol::Bytes after = bytes.subspan(h->batch_length);
  auto next = protocol::decode_batch_header(after);
  if (next && protocol::header_checksum(after) == next->header_checksum &&
      next->base_offset.value() > offset) {
    return next->base_offset.value();
  }
  bool counts_agree = h->record_count >= 1 && h->last_offset_delta == h->record_count - 1 &&
                      static_cast<uint64_t>(h->record_count) <=
                          (h->batch_length - protocol::batch::kHeaderSize) / protocol::batch::kMinRecordSize;
  if (counts_agree && h->next_offset().value() > offset) return h->next_offset().value();
  return offset + 1;
}

namespace {

// Appends the records of `batch` from offset `asked` on; false (and the reader's error) when a
// record does not decode.
Status append_records(const protocol::RecordBatchView& batch, int64_t asked, FetchedPartition& f) {
  protocol::RecordReader reader(batch);
  protocol::RecordView rec;
  while (reader.next(rec)) {
    if (rec.offset.value() < asked) continue;
    ConsumerRecord& r = f.records.emplace_back();
    r.topic_partition = f.tp;
    r.offset = rec.offset.value();
    r.timestamp = rec.timestamp;
    if (rec.key) r.key.emplace(protocol::as_string_view(*rec.key));
    if (rec.value) r.value.emplace(protocol::as_string_view(*rec.value));
    for (const auto& h : rec.headers()) {
      r.headers.push_back({std::string(h.key),
                           h.value ? std::optional<std::string>(protocol::as_string_view(*h.value))
                                   : std::nullopt});
    }
    f.bytes += buffered_size(r);
  }
  return reader.status();
}

}  // namespace

void decode_partition(protocol::Bytes records, int64_t asked, FetchedPartition& f) {
  f.next_fetch = asked;
  protocol::BatchIterator batches(records, protocol::Verify::kStored);
  while (auto batch = batches.next()) {
    size_t records_before = f.records.size(), bytes_before = f.bytes;
    Status bad = append_records(*batch, asked, f);
    if (!bad.is_ok()) {  // the whole batch goes, even the records that decoded
      f.records.resize(records_before);
      f.bytes = bytes_before;
      f.corruption = bad;
      f.resume_at = resume_offset(records.subspan(batches.position() - batch->bytes().size()),
                                  f.next_fetch);
      return;
    }
    f.next_fetch = batch->header().next_offset().value();
  }
  if (!batches.status().is_ok()) {
    f.corruption = batches.status();
    f.resume_at = resume_offset(batches.rest(), f.next_fetch);
  }
}

std::vector<FetchedPartition> decode_fetch(const protocol::FetchResponse& response,
                                           const std::map<TopicPartition, int64_t>& asked) {
  std::vector<FetchedPartition> out;
  for (const auto& t : response.topics) {
    for (const auto& p : t.partitions) {
      TopicPartition tp{t.name, p.partition};
      auto a = asked.find(tp);
      if (a == asked.end()) continue;
      FetchedPartition& f = out.emplace_back();
      f.tp = tp;
      f.error = p.error;
      f.high_watermark = p.high_watermark;
      if (p.error == protocol::ErrorCode::kNone) decode_partition(p.records, a->second, f);
    }
  }
  return out;
}

}  // namespace cairn::client
