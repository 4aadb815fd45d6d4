#include "broker/group/offset_log.h"

#include <xxhash.h>

#include "protocol/byte_io.h"
#include "protocol/codec.h"
#include "protocol/record_batch_builder.h"

namespace cairn::broker {

namespace {

constexpr uint8_t kCommitKey = 1;
constexpr uint8_t kSnapshotKey = 2;

std::vector<std::byte> key_of(const OffsetRecord& r) {
  std::vector<std::byte> out;
  protocol::Encoder e(out);
  e.write<uint8_t>(kCommitKey);
  e.write_string(r.group);
  e.write_string(r.topic);
  e.write<int32_t>(r.partition);
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

void add(protocol::RecordBatchBuilder& b, const OffsetRecord& r, Timestamp now) {
  auto key = key_of(r);
  if (r.value) {
    auto value = value_of(*r.value);
    b.append(now, protocol::Bytes(key), protocol::Bytes(value));
  } else {
    b.append(now, protocol::Bytes(key), std::nullopt);
  }
}

}  // namespace

std::vector<std::byte> encode_offset_batch(const std::vector<OffsetRecord>& records, Timestamp now) {
  protocol::RecordBatchBuilder b;
  for (const auto& r : records) add(b, r, now);
  return b.seal();
}

std::vector<std::byte> encode_offset_snapshot(const std::vector<OffsetRecord>& records,
                                              Timestamp now) {
  protocol::RecordBatchBuilder b;
  std::byte marker{kSnapshotKey};
  b.append(now, protocol::Bytes(&marker, 1), std::nullopt);
  for (const auto& r : records) add(b, r, now);
  return b.seal();
}

Status OffsetReplay::apply(const protocol::RecordBatchView& batch) {
  protocol::RecordReader reader(batch);
  protocol::RecordView rec;
  while (reader.next(rec)) {
    if (!rec.key || rec.key->empty()) return Status::corruption("offsets record without a key");
    protocol::Decoder key(*rec.key);
    auto type = key.read<uint8_t>("type");
    if (type == kSnapshotKey) {
      offsets_.clear();
      continue;
    }
    if (type != kCommitKey) return Status::corruption("unknown offsets record type " + std::to_string(type));
    std::string group = key.read_string("group");
    std::string topic = key.read_string("topic");
    int32_t partition = key.read<int32_t>("partition");
    CAIRN_RETURN_IF_ERROR(key.finish("offsets key"));
    auto tp = std::make_pair(topic, partition);
    if (!rec.value) {
      auto g = offsets_.find(group);
      if (g != offsets_.end()) {
        g->second.erase(tp);
        if (g->second.empty()) offsets_.erase(g);
      }
      continue;
    }
    protocol::Decoder value(*rec.value);
    CommittedOffset c;
    c.offset = value.read<int64_t>("offset");
    c.metadata = value.read_string("metadata");
    c.commit_time_ms = value.read<int64_t>("commit time");
    CAIRN_RETURN_IF_ERROR(value.finish("offsets value"));
    offsets_[group][tp] = std::move(c);
  }
  return reader.status();
}

int32_t offsets_partition_for(std::string_view group, int32_t partitions) {
  return static_cast<int32_t>(XXH3_64bits(group.data(), group.size()) %
                              static_cast<uint64_t>(std::max(partitions, 1)));
}

}  // namespace cairn::broker
