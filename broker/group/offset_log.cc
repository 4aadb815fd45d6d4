#include "broker/group/offset_log.h"

#include <xxhash.h>

#include "protocol/byte_io.h"
#include "protocol/codec.h"
#include "protocol/control_record.h"
#include "protocol/record_batch_builder.h"

namespace cairn::broker {

namespace {

// Record types, the first byte of every key (storage/FORMAT.md, "Committed offsets").
constexpr uint8_t kCommitKey = 1;
constexpr uint8_t kLegacySnapshotKey = 2;  // first release: the rest of its batch is the snapshot
constexpr uint8_t kSnapshotBeginKey = 3;
constexpr uint8_t kSnapshotEntryKey = 4;
constexpr uint8_t kSnapshotEndKey = 5;
constexpr uint8_t kTxnCommitKey = 6;

std::vector<std::byte> key_of(uint8_t type, const OffsetRecord& r) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint8_t>(type);
  e.write_string(r.group);
  e.write_string(r.topic);
  e.write<int32_t>(r.partition);
  return out;
}

std::vector<std::byte> marker_key(uint8_t type, uint64_t snapshot_id) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint8_t>(type);
  e.write<uint64_t>(snapshot_id);
  return out;
}

std::vector<std::byte> value_of(const CommittedOffset& c) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<int64_t>(c.offset);
  e.write_string(c.metadata);
  e.write<int64_t>(c.commit_time_ms);
  return out;
}

void add(protocol::RecordBatchBuilder& b, uint8_t type, const OffsetRecord& r, Timestamp now) {
  auto key = key_of(type, r);
  if (r.value) {
    auto value = value_of(*r.value);
    b.append(now, protocol::Bytes(key), protocol::Bytes(value));
  } else {
    b.append(now, protocol::Bytes(key), std::nullopt);
  }
}

}  // namespace

std::vector<std::byte> encode_offset_batch(const std::vector<OffsetRecord>& records,
                                           Timestamp now) {
  protocol::RecordBatchBuilder b;
  for (const auto& r : records) add(b, kCommitKey, r, now);
  return b.seal();
}

std::vector<std::byte> encode_txn_offset_batch(int64_t producer_id,
                                               const std::vector<OffsetRecord>& records,
                                               Timestamp now) {
  protocol::RecordBatchBuilder b;
  for (const auto& r : records) {
    auto key = key_of(kTxnCommitKey, r);
    std::vector<std::byte> value;
    protocol::Encoder e(value);
    e.write<int64_t>(producer_id);
    auto rest = value_of(*r.value);
    value.insert(value.end(), rest.begin(), rest.end());
    b.append(now, protocol::Bytes(key), protocol::Bytes(value));
  }
  return b.seal();
}

size_t offset_record_bytes(const OffsetRecord& r) {
  // Key and value as encoded, plus the record's own framing (varints, attributes, deltas).
  return 1 + 2 + r.group.size() + 2 + r.topic.size() + 4 + 8 + 2 +
         (r.value ? r.value->metadata.size() : 0) + 8 + 24;
}

std::vector<std::vector<std::byte>> encode_offset_snapshot(uint64_t snapshot_id,
                                                           const std::vector<OffsetRecord>& entries,
                                                           Timestamp now, size_t batch_bytes) {
  std::vector<std::vector<std::byte>> out;
  protocol::RecordBatchBuilder b;
  auto begin = marker_key(kSnapshotBeginKey, snapshot_id);
  b.append(now, protocol::Bytes(begin), std::nullopt);
  for (const auto& r : entries) {
    if (!b.empty() && b.size_bytes() + offset_record_bytes(r) > batch_bytes)
      out.push_back(b.seal());
    add(b, kSnapshotEntryKey, r, now);
  }
  std::vector<std::byte> count;
  protocol::Encoder count_encoder(count);
  count_encoder.write<uint64_t>(entries.size());
  auto end = marker_key(kSnapshotEndKey, snapshot_id);
  b.append(now, protocol::Bytes(end), protocol::Bytes(count));
  out.push_back(b.seal());
  return out;
}

namespace {

Result<CommittedOffset> read_value(protocol::Bytes bytes) {
  protocol::Decoder value(bytes);
  CommittedOffset c;
  c.offset = value.read<int64_t>("offset");
  c.metadata = value.read_string("metadata");
  c.commit_time_ms = value.read<int64_t>("commit time");
  CAIRN_RETURN_IF_ERROR(value.finish("offsets value"));
  return c;
}

}  // namespace

Status OffsetReplay::apply(const protocol::RecordBatchView& batch) {
  // A transaction marker: its producer's pending commits apply (commit) or are dropped (abort).
  if (batch.header().is_control()) {
    auto marker = protocol::read_control_batch(batch);
    if (!marker) return marker.error();
    auto it = pending_.find(batch.header().producer_id);
    if (it == pending_.end()) return Status::ok();
    if (marker->result == protocol::TxnResult::kCommit) {
      for (auto& [group, offsets] : it->second) {
        for (auto& [tp, c] : offsets) offsets_[group][tp] = std::move(c);
      }
    }
    pending_.erase(it);
    return Status::ok();
  }
  protocol::RecordReader reader(batch);
  protocol::RecordView rec;
  while (reader.next(rec)) {
    if (!rec.key || rec.key->empty()) return Status::corruption("offsets record without a key");
    protocol::Decoder key(*rec.key);
    auto type = key.read<uint8_t>("type");
    if (type == kSnapshotBeginKey || type == kSnapshotEndKey) {
      uint64_t id = key.read<uint64_t>("snapshot id");
      CAIRN_RETURN_IF_ERROR(key.finish("offsets snapshot marker"));
      if (type == kSnapshotBeginKey) {
        building_ = Snapshot{id, 0, {}};
        continue;
      }
      if (!rec.value) return Status::corruption("offsets snapshot end without an entry count");
      protocol::Decoder value(*rec.value);
      uint64_t entries = value.read<uint64_t>("entry count");
      CAIRN_RETURN_IF_ERROR(value.finish("offsets snapshot end"));
      if (building_ && building_->id == id && building_->entries == entries) {
        offsets_ = std::move(building_->offsets);
      }
      building_.reset();
      continue;
    }
    if (type == kLegacySnapshotKey) {
      building_.reset();
      offsets_.clear();
      continue;
    }
    if (type != kCommitKey && type != kSnapshotEntryKey && type != kTxnCommitKey) {
      return Status::corruption("unknown offsets record type " + std::to_string(type));
    }
    std::string group = key.read_string("group");
    std::string topic = key.read_string("topic");
    int32_t partition = key.read<int32_t>("partition");
    CAIRN_RETURN_IF_ERROR(key.finish("offsets key"));
    auto tp = std::make_pair(std::move(topic), partition);
    if (type == kTxnCommitKey) {
      if (!rec.value) return Status::corruption("transactional offsets record without a value");
      protocol::Decoder value(*rec.value);
      int64_t producer_id = value.read<int64_t>("producer id");
      CAIRN_RETURN_IF_ERROR(value.status());
      auto c = read_value(rec.value->subspan(sizeof(int64_t)));
      if (!c) return c.error();
      building_.reset();
      pending_[producer_id][group][tp] = std::move(*c);
      continue;
    }
    if (type == kSnapshotEntryKey) {
      if (!rec.value) return Status::corruption("offsets snapshot entry without a value");
      auto c = read_value(*rec.value);
      if (!c) return c.error();
      // An entry outside a snapshot under way belongs to one cut short: ignore it.
      if (building_) {
        building_->offsets[group][tp] = std::move(*c);
        ++building_->entries;
      }
      continue;
    }
    // Nothing but entries lies between a snapshot's markers, as written; anything else means
    // that snapshot was cut short.
    building_.reset();
    if (!rec.value) {
      auto g = offsets_.find(group);
      if (g != offsets_.end()) {
        g->second.erase(tp);
        if (g->second.empty()) offsets_.erase(g);
      }
      continue;
    }
    auto c = read_value(*rec.value);
    if (!c) return c.error();
    offsets_[group][tp] = std::move(*c);
  }
  return reader.status();
}

int32_t offsets_partition_for(std::string_view group, int32_t partitions) {
  return static_cast<int32_t>(XXH3_64bits(group.data(), group.size()) %
                              static_cast<uint64_t>(std::max(partitions, 1)));
}

}  // namespace cairn::broker
