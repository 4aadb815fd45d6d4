#include "protocol/messages/fetch.h"

#include "protocol/frame.h"

namespace cairn::protocol {

void FetchRequest::encode(Encoder& e, uint16_t version) const {
  e.write<uint32_t>(max_wait_ms);
  e.write<uint32_t>(min_bytes);
  e.write<uint32_t>(max_bytes);
  e.write<uint8_t>(isolation_level);
  if (version >= 1) e.write<int32_t>(replica_id);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int64_t>(p.fetch_offset);
      e.write<uint32_t>(p.max_bytes);
    }
  }
}

Result<FetchRequest> FetchRequest::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  FetchRequest r;
  r.max_wait_ms = d.read<uint32_t>("max wait ms");
  r.min_bytes = d.read<uint32_t>("min bytes");
  r.max_bytes = d.read<uint32_t>("max bytes");
  r.isolation_level = d.read<uint8_t>("isolation level");
  if (d.ok() && r.isolation_level > 1) d.fail("isolation level", "not 0 or 1");
  if (version >= 1) {
    r.replica_id = d.read<int32_t>("replica id");
    if (d.ok() && r.replica_id < -1) d.fail("replica id", "below -1");
  }
  uint32_t partitions_left = limits::kMaxPartitionsPerRequest;
  uint32_t nt = d.read_count("topics", 6, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    FetchTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 16, partitions_left);
    partitions_left -= np;
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      FetchPartition p;
      p.partition = d.read<int32_t>("partition");
      p.fetch_offset = d.read<int64_t>("fetch offset");
      p.max_bytes = d.read<uint32_t>("partition max bytes");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  Status s = d.finish("Fetch request");
  if (!s.is_ok()) return s;
  return r;
}

void FetchResponse::encode(Encoder& e, uint16_t version) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int16_t>(static_cast<int16_t>(p.error));
      e.write<int64_t>(p.high_watermark);
      e.write<int64_t>(p.log_start_offset);
      if (version >= 2) {
        e.write<int64_t>(p.last_stable_offset);
        e.write_count(p.aborted_transactions.size());
        for (const auto& a : p.aborted_transactions) {
          e.write<int64_t>(a.producer_id);
          e.write<int64_t>(a.first_offset);
        }
      }
      if (p.external_size > 0) {
        e.write_external_bytes32(p.external_size, p.external_id);
      } else {
        e.write_bytes32(p.records);
      }
    }
  }
}

Result<FetchResponse> FetchResponse::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  FetchResponse r;
  uint32_t nt = d.read_count("topics", 6);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    FetchTopicResult t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 26);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      FetchPartitionResult p;
      p.partition = d.read<int32_t>("partition");
      p.error = static_cast<ErrorCode>(d.read<int16_t>("error"));
      p.high_watermark = d.read<int64_t>("high watermark");
      p.log_start_offset = d.read<int64_t>("log start offset");
      if (version >= 2) {
        p.last_stable_offset = d.read<int64_t>("last stable offset");
        uint32_t na = d.read_count("aborted transactions", 16);
        p.aborted_transactions.reserve(na);
        for (uint32_t k = 0; k < na && d.ok(); ++k) {
          FetchAbortedTransaction a;
          a.producer_id = d.read<int64_t>("producer id");
          a.first_offset = d.read<int64_t>("first offset");
          p.aborted_transactions.push_back(a);
        }
      }
      p.records = d.read_bytes32("records");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  Status s = d.finish("Fetch response");
  if (!s.is_ok()) return s;
  return r;
}

}  // namespace cairn::protocol
