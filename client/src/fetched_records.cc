#include "client/src/fetched_records.h"

#include <algorithm>
#include <set>

#include "protocol/control_record.h"
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
  // Compacted batches hold fewer records than their offset range, compressed ones more than
  // their bytes could plain.
  bool counts_agree = h->record_count >= 0 && h->last_offset_delta >= 0 &&
                      h->last_offset_delta >= h->record_count - 1;
  if (counts_agree && h->next_offset().value() > offset) return h->next_offset().value();
  return offset + 1;
}

namespace {

// Appends the records of `batch` from offset `asked` on; false (and the reader's error) when a
// record does not decode.
Status append_records(const protocol::RecordBatchView& batch, int64_t asked,
                      size_t max_decompressed_bytes, FetchedPartition& f) {
  auto plain = protocol::BatchRecords::open(batch, max_decompressed_bytes);
  if (!plain) return plain.error();
  // Room for the batch's records at once rather than growing record by record; the count is
  // the sender's word, so no more than its bytes can hold. Geometric, so many small batches in
  // one fetch do not reallocate once each.
  auto declared = static_cast<size_t>(std::max(batch.header().record_count, 0));
  size_t needed = f.records.size() +
                  std::min(declared, plain->bytes().size() / protocol::batch::kMinRecordSize);
  if (needed > f.records.capacity()) {
    f.records.reserve(std::max(needed, 2 * f.records.capacity()));
  }
  protocol::RecordReader reader = plain->reader();
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

void decode_partition(protocol::Bytes records, int64_t asked, FetchedPartition& f,
                      size_t max_decompressed_bytes,
                      const std::vector<protocol::FetchAbortedTransaction>* aborted) {
  f.next_fetch = asked;
  // The aborted transactions by first offset, and the producers whose aborted range the walk
  // is in.
  std::vector<protocol::FetchAbortedTransaction> pending;
  if (aborted) pending = *aborted;
  std::sort(pending.begin(), pending.end(),
            [](const auto& a, const auto& b) { return a.first_offset < b.first_offset; });
  size_t next_aborted = 0;
  std::set<int64_t> aborting;
  protocol::BatchIterator batches(records, protocol::Verify::kStored);
  while (auto batch = batches.next()) {
    const protocol::BatchHeader& h = batch->header();
    while (next_aborted < pending.size() &&
           pending[next_aborted].first_offset <= h.last_offset().value()) {
      aborting.insert(pending[next_aborted++].producer_id);
    }
    if (h.is_control()) {
      // A marker ends its producer's transaction; an abort marker its aborted range.
      if (auto marker = protocol::read_control_batch(*batch);
          marker && marker->result == protocol::TxnResult::kAbort) {
        aborting.erase(h.producer_id);
      }
      f.next_fetch = h.next_offset().value();
      continue;
    }
    if (h.is_transactional() && aborting.contains(h.producer_id)) {
      f.next_fetch = h.next_offset().value();
      continue;
    }
    size_t records_before = f.records.size(), bytes_before = f.bytes;
    Status bad = append_records(*batch, asked, max_decompressed_bytes, f);
    if (!bad.is_ok()) {  // the whole batch goes, even the records that decoded
      f.records.resize(records_before);
      f.bytes = bytes_before;
      f.corruption = bad;
      f.resume_at =
          resume_offset(records.subspan(batches.position() - batch->bytes().size()), f.next_fetch);
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
                                           const std::map<TopicPartition, int64_t>& asked,
                                           size_t max_decompressed_bytes, bool read_committed) {
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
      if (p.error == protocol::ErrorCode::kNone) {
        decode_partition(p.records, a->second, f, max_decompressed_bytes,
                         read_committed ? &p.aborted_transactions : nullptr);
      }
    }
  }
  return out;
}

}  // namespace cairn::client
