#include "storage/txn_markers.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "protocol/control_record.h"
#include "storage/batch_scanner.h"

namespace cairn::storage {

Status record_stored_batch(ProducerState& producers, Segment* index, const protocol::BatchHeader& h,
                           Bytes batch, Timestamp now) {
  if (h.is_control() && h.is_transactional() && index != nullptr) {
    auto view = protocol::RecordBatchView::parse(batch, protocol::Verify::kStored);
    if (!view) return view.error();
    auto marker = protocol::read_control_batch(*view);
    if (!marker) return marker.error();
    if (marker->result == protocol::TxnResult::kAbort) {
      Offset at = h.base_offset;
      Offset first = producers.open_transaction(h.producer_id).value_or(at);
      producers.record(h, h.base_offset, now);
      Offset next = h.next_offset();
      Offset stable = std::min(producers.first_unstable_offset().value_or(next), next);
      index->add_aborted_txn(AbortedTxn{h.producer_id, std::min(first, at), at, stable});
      return Status::ok();
    }
  }
  producers.record(h, h.base_offset, now);
  return Status::ok();
}

Result<Bytes> read_stored_batch(const Segment& segment, FilePosition position,
                                const protocol::BatchHeader& h, std::vector<std::byte>& buffer) {
  buffer.resize(h.batch_length);
  auto n = segment.log()->read_at(position, buffer);
  if (!n) return n.error();
  if (*n != buffer.size()) return Status::corruption("a stored batch is cut short");
  return Bytes(buffer);
}

Status rebuild_early_txn_indexes(const std::vector<std::shared_ptr<Segment>>& segments,
                                 Offset replay_start, size_t max_producers, Timestamp now) {
  size_t last = segments.size();
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i]->txn_index_stale() && segments[i]->base_offset() < replay_start) last = i;
  }
  if (last == segments.size()) return Status::ok();
  ProducerState state(max_producers);
  std::vector<std::byte> buffer;
  for (size_t i = 0; i <= last; ++i) {
    Segment& segment = *segments[i];
    bool rebuild = segment.txn_index_stale() && segment.base_offset() < replay_start;
    if (rebuild) segment.clear_txn_index();
    BatchScanner scanner(*segment.log(), FilePosition(0), segment.size_bytes(),
                         BatchScanner::Mode::kHeaders);
    while (auto item = scanner.next()) {
      const auto& h = item->header;
      if (h.producer_id < 0) continue;
      Bytes bytes;
      if (rebuild && h.is_control()) {
        auto read = read_stored_batch(segment, item->position, h, buffer);
        if (!read) return read.error();
        bytes = *read;
      }
      CAIRN_RETURN_IF_ERROR(
          record_stored_batch(state, rebuild ? &segment : nullptr, h, bytes, now));
    }
    CAIRN_RETURN_IF_ERROR(scanner.status());
  }
  return Status::ok();
}

std::vector<std::shared_ptr<Segment>> stale_sealed_txn_indexes(
    const std::vector<std::shared_ptr<Segment>>& segments, Offset recovery_point) {
  std::vector<std::shared_ptr<Segment>> out;
  for (size_t i = 0; i + 1 < segments.size(); ++i) {
    if (segments[i]->txn_index_stale() && segments[i]->next_offset() <= recovery_point) {
      out.push_back(segments[i]);
    }
  }
  return out;
}

void write_rebuilt_txn_indexes(IoBackend& io,
                               const std::vector<std::shared_ptr<Segment>>& rebuilt) {
  for (const auto& segment : rebuilt) {
    if (Status s = segment->write_txn_index(io); !s.is_ok()) {
      spdlog::warn("writing {}: {}", segment->txn_index_path().string(), s.to_string());
    }
  }
}

std::vector<AbortedTxn> collect_aborted_txns(const std::vector<std::shared_ptr<Segment>>& segments,
                                             Offset from, Offset to) {
  std::vector<AbortedTxn> out;
  if (from >= to || segments.empty()) return out;
  auto it = std::upper_bound(
      segments.begin(), segments.end(), from,
      [](Offset o, const std::shared_ptr<Segment>& s) { return o < s->base_offset(); });
  if (it != segments.begin()) --it;
  for (; it != segments.end(); ++it) {
    for (const AbortedTxn& txn : (*it)->txn_index().entries()) {
      if (txn.last_offset < from) continue;
      if (txn.first_offset < to) out.push_back(txn);
      if (txn.last_stable_offset >= to) return out;
    }
  }
  return out;
}

}  // namespace cairn::storage
