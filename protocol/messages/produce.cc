#include "protocol/messages/produce.h"

#include "protocol/byte_io.h"
#include "protocol/frame.h"

namespace cairn::protocol {

void ProduceRequest::encode(Encoder& e, uint16_t) const {
  e.write<int16_t>(acks);
  e.write<uint32_t>(timeout_ms);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      if (p.external_size > 0) {
        e.write_external_bytes32(p.external_size, p.external_id);
      } else {
        e.write_bytes32(p.records);
      }
    }
  }
}

std::optional<int16_t> peek_produce_acks(Bytes body) {
  if (body.size() < ProduceRequest::kAcksAt + sizeof(int16_t)) return std::nullopt;
  return load_le<int16_t>(body.data() + ProduceRequest::kAcksAt);
}

Result<ProduceRequest> ProduceRequest::decode(MutableBytes body, uint16_t) {
  Decoder d(body);
  ProduceRequest r;
  r.acks = d.read<int16_t>("acks");
  if (d.ok() && r.acks != 0 && r.acks != 1 && r.acks != -1) d.fail("acks", "not 0, 1 or -1");
  r.timeout_ms = d.read<uint32_t>("timeout ms");
  uint32_t partitions_left = limits::kMaxPartitionsPerRequest;
  uint32_t nt = d.read_count("topics", 6, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    ProduceTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 8, partitions_left);
    partitions_left -= np;
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      ProducePartition p;
      p.partition = d.read<int32_t>("partition");
      Bytes records = d.read_bytes32("records");
      if (d.ok()) {
        p.records = body.subspan(static_cast<size_t>(records.data() - body.data()), records.size());
      }
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  Status s = d.finish("Produce request");
  if (!s.is_ok()) return s;
  return r;
}

void ProduceResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int16_t>(static_cast<int16_t>(p.error));
      e.write<int64_t>(p.base_offset);
      e.write<int64_t>(p.log_start_offset);
      e.write_message(p.message);
    }
  }
}

Result<ProduceResponse> ProduceResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  ProduceResponse r;
  uint32_t nt = d.read_count("topics", 6);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    ProduceTopicResult t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 24);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      ProducePartitionResult p;
      p.partition = d.read<int32_t>("partition");
      p.error = static_cast<ErrorCode>(d.read<int16_t>("error"));
      p.base_offset = d.read<int64_t>("base offset");
      p.log_start_offset = d.read<int64_t>("log start offset");
      p.message = d.read_string("message");
      t.partitions.push_back(std::move(p));
    }
    r.topics.push_back(std::move(t));
  }
  Status s = d.finish("Produce response");
  if (!s.is_ok()) return s;
  return r;
}

}  // namespace cairn::protocol
