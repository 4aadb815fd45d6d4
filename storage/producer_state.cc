#include "storage/producer_state.h"

#include <xxhash.h>

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

constexpr size_t kEntryFixed = 8 + 2 + 8 + 1;   // producer id, epoch, last timestamp, count
constexpr size_t kBatchMetaSize = 4 + 4 + 8 + 8;

}  // namespace

ProducerState::Check ProducerState::check(const protocol::BatchHeader& b) const {
  auto it = producers_.find(b.producer_id);
  if (it == producers_.end()) return {};  // a producer new to this partition starts anywhere
  const Entry& e = it->second;
  if (b.producer_epoch < e.epoch) {
    return {Verdict::kFenced, {},
            "producer " + std::to_string(b.producer_id) + " epoch " +
                std::to_string(b.producer_epoch) + " is older than epoch " + std::to_string(e.epoch)};
  }
  if (b.producer_epoch > e.epoch) {
    if (b.base_sequence == 0) return {};
    return {Verdict::kOutOfOrder, {},
            "a new producer epoch must start at sequence 0, not " + std::to_string(b.base_sequence)};
  }
  int32_t last = last_sequence_of(b);
  for (const BatchMeta& m : e.recent) {
    if (m.first_sequence == b.base_sequence && m.last_sequence == last) {
      return {Verdict::kDuplicate, m, {}};
    }
  }
  int32_t expected = e.recent.empty() ? b.base_sequence : next_sequence(e.recent.back().last_sequence);
  if (b.base_sequence == expected) return {};
  return {Verdict::kOutOfOrder, {},
          "producer " + std::to_string(b.producer_id) + " sent sequence " +
              std::to_string(b.base_sequence) + ", expected " + std::to_string(expected)};
}

void ProducerState::record(const protocol::BatchHeader& b, Offset base_offset) {
  Entry& e = producers_[b.producer_id];
  if (b.producer_epoch != e.epoch) e.recent.clear();
  e.epoch = b.producer_epoch;
  e.last_timestamp_ms = std::max(e.last_timestamp_ms, b.max_timestamp);
  e.recent.push_back(BatchMeta{b.base_sequence, last_sequence_of(b), base_offset,
                               base_offset + b.last_offset_delta});
  while (e.recent.size() > kRememberedBatches) e.recent.pop_front();
}

void ProducerState::expire(int64_t cutoff_ms) {
  std::erase_if(producers_, [cutoff_ms](const auto& p) { return p.second.last_timestamp_ms < cutoff_ms; });
}

std::vector<std::byte> ProducerState::encode(Offset offset) const {
  size_t size = format::kProducerSnapshotHeaderSize + 8;
  for (const auto& [pid, e] : producers_) size += kEntryFixed + e.recent.size() * kBatchMetaSize;
  std::vector<std::byte> out(size);
  std::byte* p = out.data();
  store_le<uint32_t>(p, format::kProducerSnapshotMagic);
  store_le<uint32_t>(p + 4, format::kProducerSnapshotVersion);
  store_le<int64_t>(p + 8, offset.value());
  store_le<uint32_t>(p + 16, static_cast<uint32_t>(producers_.size()));
  p += format::kProducerSnapshotHeaderSize;
  for (const auto& [pid, e] : producers_) {
    store_le<int64_t>(p, pid);
    store_le<int16_t>(p + 8, e.epoch);
    store_le<int64_t>(p + 10, e.last_timestamp_ms);
    store_le<uint8_t>(p + 18, static_cast<uint8_t>(e.recent.size()));
    p += kEntryFixed;
    for (const BatchMeta& m : e.recent) {
      store_le<int32_t>(p, m.first_sequence);
      store_le<int32_t>(p + 4, m.last_sequence);
      store_le<int64_t>(p + 8, m.base_offset.value());
      store_le<int64_t>(p + 16, m.last_offset.value());
      p += kBatchMetaSize;
    }
  }
  store_le<uint64_t>(p, XXH3_64bits(out.data(), static_cast<size_t>(p - out.data())));
  return out;
}

Result<std::pair<Offset, ProducerState>> ProducerState::decode(Bytes bytes) {
  if (bytes.size() < format::kProducerSnapshotHeaderSize + 8) {
    return Status::corruption("producer snapshot too short");
  }
  size_t body = bytes.size() - 8;
  if (load_le<uint64_t>(bytes.data() + body) != XXH3_64bits(bytes.data(), body)) {
    return Status::corruption("producer snapshot checksum mismatch");
  }
  protocol::ByteReader r(bytes.first(body));
  uint32_t magic = 0, version = 0, count = 0;
  int64_t offset = 0;
  if (!r.read(magic) || !r.read(version) || !r.read(offset) || !r.read(count) ||
      magic != format::kProducerSnapshotMagic || version != format::kProducerSnapshotVersion ||
      offset < 0) {
    return Status::corruption("producer snapshot header is not valid");
  }
  ProducerState state;
  for (uint32_t i = 0; i < count; ++i) {
    int64_t pid = 0;
    Entry e;
    uint8_t n = 0;
    if (!r.read(pid) || !r.read(e.epoch) || !r.read(e.last_timestamp_ms) || !r.read(n) ||
        n > kRememberedBatches) {
      return Status::corruption("producer snapshot entry " + std::to_string(i) + " is not valid");
    }
    for (uint8_t k = 0; k < n; ++k) {
      BatchMeta m;
      int64_t base = 0, last = 0;
      if (!r.read(m.first_sequence) || !r.read(m.last_sequence) || !r.read(base) || !r.read(last)) {
        return Status::corruption("producer snapshot entry " + std::to_string(i) + " is cut short");
      }
      m.base_offset = Offset(base);
      m.last_offset = Offset(last);
      e.recent.push_back(m);
    }
    state.producers_[pid] = std::move(e);
  }
  if (!r.at_end()) return Status::corruption("producer snapshot has trailing bytes");
  return std::pair<Offset, ProducerState>(Offset(offset), std::move(state));
}

}  // namespace cairn::storage
