#include "storage/producer_state.h"

#include <xxhash.h>

#include <algorithm>
#include <string>

#include "protocol/byte_io.h"
#include "storage/format.h"

namespace cairn::storage {

using protocol::load_le;
using protocol::store_le;

namespace {

int32_t next_sequence(int32_t last) { return last == INT32_MAX ? 0 : last + 1; }

int32_t last_sequence_of(const protocol::BatchHeader& b) {
  int64_t last = int64_t{b.base_sequence} + b.record_count - 1;
  return static_cast<int32_t>(last > INT32_MAX ? last - INT32_MAX - 1 : last);
}

}  // namespace

ProducerState::ProducerState(size_t max_producers)
    : max_producers_(std::max<size_t>(max_producers, 1)) {}

ProducerState::Check ProducerState::check(const protocol::BatchHeader& b) const {
  auto it = producers_.find(b.producer_id);
  if (it == producers_.end()) {
    // New to this partition, or forgotten (idle past the expiry, evicted past the cap): only a
    // first batch is safe to take. A later one could be a retry of a batch already stored (it
    // would be stored twice) or leave a gap.
    if (b.base_sequence == 0) return {};
    return {Verdict::kOutOfOrder,
            {},
            "producer " + std::to_string(b.producer_id) +
                " has no state in this partition (new, or forgotten after being idle): its first "
                "batch must have sequence 0, not " +
                std::to_string(b.base_sequence)};
  }
  const Entry& e = it->second;
  if (b.producer_epoch < e.epoch) {
    return {Verdict::kFenced,
            {},
            "producer " + std::to_string(b.producer_id) + " epoch " +
                std::to_string(b.producer_epoch) + " is older than epoch " +
                std::to_string(e.epoch)};
  }
  if (b.producer_epoch > e.epoch) {
    if (b.base_sequence == 0) return {};
    return {
        Verdict::kOutOfOrder,
        {},
        "a new producer epoch must start at sequence 0, not " + std::to_string(b.base_sequence)};
  }
  int32_t last = last_sequence_of(b);
  for (size_t i = 0; i < e.count; ++i) {
    const BatchMeta& m = e.recent[i];
    if (m.first_sequence == b.base_sequence && m.last_sequence == last) {
      return {Verdict::kDuplicate, m, {}};
    }
  }
  int32_t expected =
      e.count == 0 ? b.base_sequence : next_sequence(e.recent[e.count - 1].last_sequence);
  if (b.base_sequence == expected) return {};
  return {Verdict::kOutOfOrder,
          {},
          "producer " + std::to_string(b.producer_id) + " sent sequence " +
              std::to_string(b.base_sequence) + ", expected " + std::to_string(expected)};
}

ProducerState::Check ProducerState::GroupCheck::check(const protocol::BatchHeader& b) {
  auto in_group = next_.find(b.producer_id);
  if (in_group == next_.end()) {
    Check stored = state_.check(b);
    if (stored.verdict == Verdict::kAppend) {
      next_.emplace(b.producer_id, Next{b.producer_epoch, next_sequence(last_sequence_of(b))});
    }
    return stored;
  }
  Next& next = in_group->second;
  if (b.producer_epoch != next.epoch || b.base_sequence != next.sequence) {
    return {Verdict::kInFlight, {}, "a batch overlapping one still being written; retry"};
  }
  next.sequence = next_sequence(last_sequence_of(b));
  return {};
}

ProducerState::Entry& ProducerState::touch(int64_t pid) {
  auto it = producers_.find(pid);
  if (it != producers_.end()) {
    order_.splice(order_.end(), order_, it->second.use);
    return it->second;
  }
  if (producers_.size() >= max_producers_) {
    auto victim = std::find_if(order_.begin(), order_.end(), [&](int64_t id) {
      return !producers_.at(id).txn_first_offset.has_value();
    });
    if (victim != order_.end()) {
      producers_.erase(*victim);
      order_.erase(victim);
    }
  }
  Entry& e = producers_[pid];
  e.use = order_.insert(order_.end(), pid);
  return e;
}

void ProducerState::record(const protocol::BatchHeader& b, Offset base_offset, Timestamp now) {
  Entry& e = touch(b.producer_id);
  if (b.producer_epoch != e.epoch) e.count = 0;
  e.epoch = b.producer_epoch;
  e.last_append = std::max(e.last_append, now);
  if (b.is_control()) {  // a marker: no sequence of its own
    close_transaction(e, b.producer_id);
    return;
  }
  if (b.is_transactional() && !e.txn_first_offset) open_transaction(e, b.producer_id, base_offset);
  BatchMeta meta{b.base_sequence, last_sequence_of(b), base_offset,
                 base_offset + b.last_offset_delta};
  if (e.count == kRememberedBatches) {
    std::move(e.recent.begin() + 1, e.recent.end(), e.recent.begin());
    --e.count;
  }
  e.recent[e.count++] = meta;
}

void ProducerState::expire(Timestamp cutoff) {
  // Least recently appended first, so the expired ones lead (unless the clock stepped back).
  for (auto it = order_.begin(); it != order_.end();) {
    auto entry = producers_.find(*it);
    if (entry->second.last_append >= cutoff || entry->second.txn_first_offset) {
      ++it;
      continue;
    }
    producers_.erase(entry);
    it = order_.erase(it);
  }
}

std::optional<Offset> ProducerState::open_transaction(int64_t producer_id) const {
  auto it = producers_.find(producer_id);
  if (it == producers_.end()) return std::nullopt;
  return it->second.txn_first_offset;
}

std::vector<std::pair<int64_t, int16_t>> ProducerState::open_producers() const {
  std::vector<std::pair<int64_t, int16_t>> out;
  out.reserve(open_.size());
  for (const auto& [first, pid] : open_) out.emplace_back(pid, producers_.at(pid).epoch);
  return out;
}

void ProducerState::open_transaction(Entry& e, int64_t pid, Offset first) {
  e.txn_first_offset = first;
  open_.emplace(first, pid);
}

void ProducerState::close_transaction(Entry& e, int64_t pid) {
  if (!e.txn_first_offset) return;
  open_.erase({*e.txn_first_offset, pid});
  e.txn_first_offset.reset();
}

std::vector<std::byte> ProducerState::encode(Offset offset) const {
  namespace f = format;
  size_t size = f::kProducerSnapshotHeaderSize + f::kChecksumSize;
  for (const auto& [pid, e] : producers_) {
    size += f::kSnapshotProducerSize + e.count * f::kSnapshotBatchSize;
  }
  std::vector<std::byte> out(size);
  std::byte* p = out.data();
  store_le<uint32_t>(p + f::kProducerSnapshotMagicAt, f::kProducerSnapshotMagic);
  store_le<uint32_t>(p + f::kProducerSnapshotVersionAt, f::kProducerSnapshotVersion);
  store_le<int64_t>(p + f::kProducerSnapshotOffsetAt, offset.value());
  store_le<uint32_t>(p + f::kProducerSnapshotCountAt, static_cast<uint32_t>(producers_.size()));
  p += f::kProducerSnapshotHeaderSize;
  for (int64_t pid : order_) {
    const Entry& e = producers_.at(pid);
    store_le<int64_t>(p + f::kSnapshotProducerIdAt, pid);
    store_le<int16_t>(p + f::kSnapshotEpochAt, e.epoch);
    store_le<int64_t>(p + f::kSnapshotLastAppendAt, to_millis(e.last_append));
    store_le<uint8_t>(p + f::kSnapshotBatchCountAt, e.count);
    store_le<int64_t>(p + f::kSnapshotTxnFirstOffsetAt,
                      e.txn_first_offset ? e.txn_first_offset->value() : -1);
    p += f::kSnapshotProducerSize;
    for (size_t i = 0; i < e.count; ++i) {
      const BatchMeta& m = e.recent[i];
      store_le<int32_t>(p + f::kSnapshotFirstSequenceAt, m.first_sequence);
      store_le<int32_t>(p + f::kSnapshotLastSequenceAt, m.last_sequence);
      store_le<int64_t>(p + f::kSnapshotBaseOffsetAt, m.base_offset.value());
      store_le<int64_t>(p + f::kSnapshotLastOffsetAt, m.last_offset.value());
      p += f::kSnapshotBatchSize;
    }
  }
  store_le<uint64_t>(p, XXH3_64bits(out.data(), static_cast<size_t>(p - out.data())));
  return out;
}

Result<std::pair<Offset, ProducerState>> ProducerState::decode(Bytes bytes, size_t max_producers,
                                                               Timestamp now) {
  if (bytes.size() < format::kProducerSnapshotHeaderSize + format::kChecksumSize) {
    return Status::corruption("producer snapshot too short");
  }
  size_t body = bytes.size() - format::kChecksumSize;
  if (load_le<uint64_t>(bytes.data() + body) != XXH3_64bits(bytes.data(), body)) {
    return Status::corruption("producer snapshot checksum mismatch");
  }
  protocol::ByteReader r(bytes.first(body));
  uint32_t magic = 0, version = 0, count = 0;
  int64_t offset = 0;
  if (!r.read(magic) || !r.read(version) || !r.read(offset) || !r.read(count) ||
      magic != format::kProducerSnapshotMagic ||
      (version != format::kProducerSnapshotVersion &&
       version != format::kProducerSnapshotVersion2 &&
       version != format::kProducerSnapshotVersion1) ||
      offset < 0) {
    return Status::corruption("producer snapshot header is not valid");
  }
  ProducerState state(max_producers);
  for (uint32_t i = 0; i < count; ++i) {
    int64_t pid = 0, last_append = 0, txn_first = -1;
    int16_t epoch = 0;
    uint8_t n = 0;
    bool has_txn = version == format::kProducerSnapshotVersion;
    if (!r.read(pid) || !r.read(epoch) || !r.read(last_append) || !r.read(n) ||
        (has_txn && !r.read(txn_first)) || n > kRememberedBatches || pid < 0 || txn_first < -1 ||
        state.producers_.count(pid) > 0) {
      return Status::corruption("producer snapshot entry " + std::to_string(i) + " is not valid");
    }
    // In file order, the least recent first, so the cap keeps the last.
    Entry& e = state.touch(pid);
    e.epoch = epoch;
    e.last_append =
        version == format::kProducerSnapshotVersion1 ? now : timestamp_from_millis(last_append);
    if (txn_first >= 0) state.open_transaction(e, pid, Offset(txn_first));
    for (uint8_t k = 0; k < n; ++k) {
      BatchMeta m;
      int64_t base = 0, last = 0;
      if (!r.read(m.first_sequence) || !r.read(m.last_sequence) || !r.read(base) || !r.read(last)) {
        return Status::corruption("producer snapshot entry " + std::to_string(i) + " is cut short");
      }
      m.base_offset = Offset(base);
      m.last_offset = Offset(last);
      e.recent[e.count++] = m;
    }
  }
  if (!r.at_end()) return Status::corruption("producer snapshot has trailing bytes");
  return std::pair<Offset, ProducerState>(Offset(offset), std::move(state));
}

}  // namespace cairn::storage
