#include "tests/unit/client/fake_log.h"

#include "protocol/messages/admin.h"
#include "protocol/control_record.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch.h"
#include "protocol/record_batch_builder.h"

namespace cairn::testing {

using protocol::ErrorCode;

int64_t FakeLog::store(Partition& p, std::vector<std::byte> bytes, int64_t producer_id,
                       int32_t base_sequence, int32_t records) {
  int64_t base = p.next_offset;
  protocol::assign_offsets(bytes, Offset(base), 0);
  p.batches.push_back({base, records, producer_id, base_sequence, std::move(bytes)});
  p.next_offset += records;
  return base;
}

FakeBroker::Answer FakeLog::produce(const FakeBroker::Request& request) {
  auto req = request.decode<protocol::ProduceRequest>();
  protocol::ProduceResponse response;
  std::lock_guard lock(mu_);
  for (const auto& t : req.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    for (const auto& entry : t.partitions) {
      auto& result = out.partitions.emplace_back();
      result.partition = entry.partition;
      Partition& p = partitions_[{t.name, entry.partition}];
      auto batch = protocol::RecordBatchView::parse(entry.records, protocol::Verify::kProduced);
      if (!batch || batch->bytes().size() != entry.records.size()) {
        result.error = ErrorCode::kInvalidRecord;
        continue;
      }
      const auto& h = batch->header();
      if (h.producer_id >= 0) {
        // A batch of this producer with the same sequence is a duplicate (answered with the
        // offsets it got); otherwise the sequence must follow this producer's last batch.
        const StoredBatch* last = nullptr;
        const StoredBatch* same = nullptr;
        for (const auto& b : p.batches) {
          if (b.producer_id != h.producer_id) continue;
          last = &b;
          if (b.base_sequence == h.base_sequence) same = &b;
        }
        if (same != nullptr) {
          result.base_offset = same->base_offset;
          continue;
        }
        int32_t expected = last == nullptr ? 0 : last->base_sequence + last->records;
        if (h.base_sequence != expected) {
          result.error = ErrorCode::kOutOfOrderSequence;
          continue;
        }
      }
      result.base_offset =
          store(p, std::vector<std::byte>(entry.records.begin(), entry.records.end()),
                h.producer_id, h.base_sequence, h.record_count);
    }
  }
  if (req.acks == 0) return FakeBroker::Answer::silence();
  return FakeBroker::Answer::reply(response);
}

FakeBroker::Answer FakeLog::fetch(const FakeBroker::Request& request) {
  auto req = request.decode<protocol::FetchRequest>();
  const bool committed = req.isolation_level == 1 && request.version >= 2;
  // The response holds views: its bytes live in the handler's closure.
  auto owned = std::make_shared<std::vector<std::vector<std::byte>>>();
  protocol::FetchResponse response;
  size_t total = 0;
  {
    std::lock_guard lock(mu_);
    last_isolation_level_ = req.isolation_level;
    last_fetch_version_ = request.version;
    for (const auto& t : req.topics) {
      auto& out = response.topics.emplace_back();
      out.name = t.name;
      for (const auto& fp : t.partitions) {
        auto& result = out.partitions.emplace_back();
        result.partition = fp.partition;
        const Partition& p = partitions_[{t.name, fp.partition}];
        result.high_watermark = p.next_offset;
        result.log_start_offset = 0;
        if (fp.fetch_offset > p.next_offset || fp.fetch_offset < 0) {
          result.error = ErrorCode::kOffsetOutOfRange;
          continue;
        }
        result.last_stable_offset = p.last_stable_offset();
        const int64_t end = committed ? result.last_stable_offset : p.next_offset;
        std::vector<std::byte> bytes;
        int64_t read_end = fp.fetch_offset;
        for (const auto& b : p.batches) {
          if (b.base_offset + b.records <= fp.fetch_offset) continue;
          if (b.base_offset + b.records > end) break;
          if (!bytes.empty() && bytes.size() + b.bytes.size() > fp.max_bytes) break;
          bytes.insert(bytes.end(), b.bytes.begin(), b.bytes.end());
          read_end = b.base_offset + b.records;
        }
        for (const auto& a : p.aborted) {
          if (committed && a.marker_offset >= fp.fetch_offset && a.first_offset < read_end) {
            result.aborted_transactions.push_back({a.producer_id, a.first_offset});
          }
        }
        total += bytes.size();
        owned->push_back(std::move(bytes));
        result.records = owned->back();
      }
    }
  }
  auto answer = FakeBroker::Answer::reply(response);
  answer.body = [response, owned](protocol::Encoder& e, uint16_t v) { response.encode(e, v); };
  // Nothing to read: wait a little before answering empty, as a long poll would.
  if (total == 0) return std::move(answer).after(std::chrono::milliseconds(5));
  return answer;
}

FakeBroker::Answer FakeLog::list_offsets(const FakeBroker::Request& request) {
  auto req = request.decode<protocol::ListOffsetsRequest>();
  protocol::ListOffsetsResponse response;
  std::lock_guard lock(mu_);
  for (const auto& t : req.topics) {
    auto& out = response.topics.emplace_back();
    out.name = t.name;
    for (const auto& lp : t.partitions) {
      const Partition& p = partitions_[{t.name, lp.partition}];
      int64_t offset = lp.timestamp == protocol::kEarliestTimestamp ? 0 : p.next_offset;
      out.partitions.push_back({lp.partition, ErrorCode::kNone, offset});
    }
  }
  return FakeBroker::Answer::reply(response);
}

void FakeLog::append(const client::TopicPartition& tp, const std::vector<std::string>& values) {
  protocol::RecordBatchBuilder builder;
  for (const auto& v : values) {
    builder.append(timestamp_from_millis(1'700'000'000'000), std::nullopt, protocol::as_bytes(v));
  }
  std::lock_guard lock(mu_);
  store(partitions_[tp], builder.seal(), -1, -1, static_cast<int32_t>(values.size()));
}

void FakeLog::append_transactional(const client::TopicPartition& tp, int64_t producer_id,
                                   const std::vector<std::string>& values) {
  protocol::RecordBatchBuilder builder(
      {.producer_id = producer_id, .producer_epoch = 0, .base_sequence = 0, .transactional = true});
  for (const auto& v : values) {
    builder.append(timestamp_from_millis(1'700'000'000'000), std::nullopt, protocol::as_bytes(v));
  }
  std::lock_guard lock(mu_);
  Partition& p = partitions_[tp];
  p.open_txns.emplace(producer_id, p.next_offset);
  store(p, builder.seal(), -1, -1, static_cast<int32_t>(values.size()));
}

void FakeLog::append_marker(const client::TopicPartition& tp, int64_t producer_id, bool commit) {
  auto batch = protocol::build_control_batch(
      {.producer_id = producer_id,
       .producer_epoch = 0,
       .result = commit ? protocol::TxnResult::kCommit : protocol::TxnResult::kAbort,
       .coordinator_epoch = 0,
       .timestamp = timestamp_from_millis(1'700'000'000'000)});
  std::lock_guard lock(mu_);
  Partition& p = partitions_[tp];
  auto open = p.open_txns.find(producer_id);
  int64_t first = open != p.open_txns.end() ? open->second : p.next_offset;
  if (open != p.open_txns.end()) p.open_txns.erase(open);
  if (!commit) p.aborted.push_back({producer_id, first, p.next_offset});
  store(p, std::move(batch), -1, -1, 1);
}

uint8_t FakeLog::last_isolation_level() const {
  std::lock_guard lock(mu_);
  return last_isolation_level_;
}

uint16_t FakeLog::last_fetch_version() const {
  std::lock_guard lock(mu_);
  return last_fetch_version_;
}

void FakeLog::damage(const client::TopicPartition& tp, size_t batch_index) {
  std::lock_guard lock(mu_);
  auto& bytes = partitions_[tp].batches.at(batch_index).bytes;
  bytes.at(protocol::batch::kHeaderSize + 2) ^= std::byte{0x40};
}

std::vector<FakeLog::StoredBatch> FakeLog::batches(const client::TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? std::vector<StoredBatch>{} : it->second.batches;
}

std::vector<std::string> FakeLog::values(const client::TopicPartition& tp) const {
  std::vector<std::string> out;
  for (const auto& b : batches(tp)) {
    auto view = protocol::RecordBatchView::parse(b.bytes, protocol::Verify::kStored);
    EXPECT_TRUE(view) << view.error().to_string();
    if (!view) continue;
    auto plain = protocol::BatchRecords::open(*view);
    EXPECT_TRUE(plain) << plain.error().to_string();
    if (!plain) continue;
    protocol::RecordReader reader = plain->reader();
    protocol::RecordView r;
    while (reader.next(r)) out.emplace_back(r.value ? protocol::as_string_view(*r.value) : "");
  }
  return out;
}

int64_t FakeLog::end_offset(const client::TopicPartition& tp) const {
  std::lock_guard lock(mu_);
  auto it = partitions_.find(tp);
  return it == partitions_.end() ? 0 : it->second.next_offset;
}

}  // namespace cairn::testing
