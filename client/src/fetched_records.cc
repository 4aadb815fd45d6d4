#include "client/src/fetched_records.h"

#include <algorithm>
#include <set>

#include "protocol/control_record.h"
#include "protocol/record_batch.h"
#include "protocol/wire_format.h"

namespace cairn::client {

size_t buffered_size(const ConsumerRecord& r) {
  return buffered_size(r.key ? r.key->size() : 0, r.value ? r.value->size() : 0);
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

// Checks that every record of `batch` decodes and, for those from offset `asked` on, counts them
// and their buffered size into a FetchedBatch; the records are copied out later, by poll().
Result<FetchedBatch> check_records(const protocol::RecordBatchView& batch, int64_t asked,
                                   size_t max_decompressed_bytes) {
  auto plain = protocol::BatchRecords::open(batch, max_decompressed_bytes);
  if (!plain) return plain.error();
  FetchedBatch out;
  out.from = asked;
  out.plain = std::make_shared<const protocol::BatchRecords>(std::move(*plain));
  protocol::RecordReader reader = out.plain->reader();
  protocol::RecordView rec;
  while (reader.next(rec)) {
    if (rec.offset.value() < asked) continue;
    ++out.count;
    out.bytes += buffered_size(rec.key ? rec.key->size() : 0, rec.value ? rec.value->size() : 0);
  }
  if (!reader.status().is_ok()) return reader.status();
  return out;
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
    auto checked = check_records(*batch, asked, max_decompressed_bytes);
    if (!checked) {  // the whole batch goes, even the records that decoded
      f.corruption = checked.error();
      f.resume_at =
          resume_offset(records.subspan(batches.position() - batch->bytes().size()), f.next_fetch);
      return;
    }
    if (checked->count > 0) {
      f.bytes += checked->bytes;
      f.batches.push_back(std::move(*checked));
    }
    f.next_fetch = batch->header().next_offset().value();
  }
  if (!batches.status().is_ok()) {
    f.corruption = batches.status();
    f.resume_at = resume_offset(batches.rest(), f.next_fetch);
  }
}

std::vector<FetchedPartition> decode_fetch(const protocol::FetchResponse& response,
                                           const std::shared_ptr<const void>& owner,
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
        for (auto& b : f.batches) b.owner = owner;
      }
    }
  }
  return out;
}

void PolledViews::clear() {
  records.clear();
  headers.clear();
  spans.clear();
  batches.clear();
  topics.clear();
}

void PolledViews::finish() {
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].headers =
        std::span<const HeaderView>(headers).subspan(spans[i].first, spans[i].second);
  }
}

void view_records(const FetchedBatch& batch, protocol::RecordReader& reader,
                  const TopicPartition& tp, size_t max, PolledViews& out) {
  // The batch's records (decompressed, or views into the fetch answer) and that answer.
  if (out.batches.empty() || out.batches.back().get() != batch.plain.get()) {
    out.batches.push_back(batch.owner);
    out.batches.push_back(batch.plain);
  }
  if (out.topics.empty() || out.topics.back() != tp.topic) out.topics.push_back(tp.topic);
  std::string_view topic = out.topics.back();
  protocol::RecordView rec;
  for (size_t n = 0; n < max && reader.next(rec);) {
    if (rec.offset.value() < batch.from) continue;
    ConsumerRecordView& r = out.records.emplace_back();
    r.topic = topic;
    r.partition = tp.partition;
    r.offset = rec.offset.value();
    r.timestamp = rec.timestamp;
    if (rec.key) r.key.emplace(protocol::as_string_view(*rec.key));
    if (rec.value) r.value.emplace(protocol::as_string_view(*rec.value));
    size_t first = out.headers.size();
    for (const auto& h : rec.headers()) {
      out.headers.push_back(
          {h.key, h.value ? std::optional<std::string_view>(protocol::as_string_view(*h.value))
                          : std::nullopt});
    }
    out.spans.emplace_back(first, out.headers.size() - first);
    ++n;
  }
}

void copy_records(const FetchedBatch& batch, protocol::RecordReader& reader,
                  const TopicPartition& tp, size_t max, std::vector<ConsumerRecord>& out) {
  protocol::RecordView rec;
  for (size_t n = 0; n < max && reader.next(rec);) {
    if (rec.offset.value() < batch.from) continue;
    ConsumerRecord& r = out.emplace_back();
    r.topic_partition = tp;
    r.offset = rec.offset.value();
    r.timestamp = rec.timestamp;
    if (rec.key) r.key.emplace(protocol::as_string_view(*rec.key));
    if (rec.value) r.value.emplace(protocol::as_string_view(*rec.value));
    for (const auto& h : rec.headers()) {
      r.headers.push_back({std::string(h.key),
                           h.value ? std::optional<std::string>(protocol::as_string_view(*h.value))
                                   : std::nullopt});
    }
    ++n;
  }
}

}  // namespace cairn::client
