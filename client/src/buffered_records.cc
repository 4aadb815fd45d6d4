#include "client/src/buffered_records.h"

#include <algorithm>
#include <utility>

namespace cairn::client {

void BufferedRecords::clear() {
  reader_.reset();
  batches_.clear();
  front_taken_ = 0;
  front_bytes_ = 0;
  records_ = 0;
}

void BufferedRecords::append(std::vector<FetchedBatch> batches) {
  for (auto& b : batches) {
    if (b.count == 0) continue;
    records_ += b.count;
    batches_.push_back(std::move(b));
  }
}

namespace {

// Where take_into() puts records: copies (poll()) or views (poll_views()).
struct Copies {
  std::vector<ConsumerRecord>& records;
  size_t size() const { return records.size(); }
  const ConsumerRecord& at(size_t i) const { return records[i]; }
  void add(const FetchedBatch& batch, protocol::RecordReader& reader, const TopicPartition& tp,
           size_t max) const {
    copy_records(batch, reader, tp, max, records);
  }
};

struct Views {
  PolledViews& polled;
  size_t size() const { return polled.records.size(); }
  const ConsumerRecordView& at(size_t i) const { return polled.records[i]; }
  void add(const FetchedBatch& batch, protocol::RecordReader& reader, const TopicPartition& tp,
           size_t max) const {
    view_records(batch, reader, tp, max, polled);
  }
};

size_t buffered_size_of(const ConsumerRecord& r) { return buffered_size(r); }
size_t buffered_size_of(const ConsumerRecordView& r) {
  return buffered_size(r.key ? r.key->size() : 0, r.value ? r.value->size() : 0);
}

}  // namespace

BufferedRecords::Taken BufferedRecords::take(size_t max, const TopicPartition& tp,
                                             std::vector<ConsumerRecord>& out) {
  return take_into(max, tp, Copies{out});
}

BufferedRecords::Taken BufferedRecords::take(size_t max, const TopicPartition& tp,
                                             PolledViews& out) {
  return take_into(max, tp, Views{out});
}

template <class Out>
BufferedRecords::Taken BufferedRecords::take_into(size_t max, const TopicPartition& tp, Out out) {
  Taken taken;
  while (taken.count < max && !batches_.empty()) {
    FetchedBatch& batch = batches_.front();
    if (!reader_) reader_.emplace(batch.plain->reader());
    size_t before = out.size();
    out.add(batch, *reader_, tp, std::min(batch.count - front_taken_, max - taken.count));
    size_t copied = out.size() - before;
    size_t bytes = 0;
    for (size_t i = before; i < out.size(); ++i) bytes += buffered_size_of(out.at(i));
    if (copied > 0) taken.next_offset = out.at(out.size() - 1).offset + 1;
    taken.count += copied;
    taken.bytes += bytes;
    front_taken_ += copied;
    front_bytes_ += bytes;
    records_ -= copied;
    // Every record was checked when it arrived, so a batch ends early only if its bytes
    // changed since: what it still claims is released rather than taken again.
    if (front_taken_ == batch.count || copied == 0) {
      records_ -= batch.count - front_taken_;
      taken.bytes += batch.bytes - std::min(front_bytes_, batch.bytes);
      reader_.reset();
      batches_.pop_front();
      front_taken_ = 0;
      front_bytes_ = 0;
    }
  }
  return taken;
}

}  // namespace cairn::client
