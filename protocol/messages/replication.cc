#include "protocol/messages/replication.h"

#include "protocol/frame.h"
#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinCount;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

void PromoteRequest::encode(Encoder&, uint16_t) const {}

Result<PromoteRequest> PromoteRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  return done(d, PromoteRequest{}, "Promote request");
}

void PromoteResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_string(message);
  e.write<int32_t>(partitions);
  e.write<int32_t>(leader_epoch);
}

Result<PromoteResponse> PromoteResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  PromoteResponse r;
  r.error = read_error(d);
  r.message = d.read_string("message");
  r.partitions = d.read<int32_t>("partitions");
  r.leader_epoch = d.read<int32_t>("leader epoch");
  return done(d, std::move(r), "Promote response");
}

void OffsetForLeaderEpochRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int32_t>(p.leader_epoch);
    }
  }
}

Result<OffsetForLeaderEpochRequest> OffsetForLeaderEpochRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetForLeaderEpochRequest r;
  uint32_t partitions_left = limits::kMaxPartitionsPerRequest;
  uint32_t nt = d.read_count("topics", kMinString + kMinCount, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    EpochQueryTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 8, partitions_left);
    partitions_left -= np;
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      EpochQueryPartition p;
      p.partition = d.read<int32_t>("partition");
      p.leader_epoch = d.read<int32_t>("leader epoch");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "OffsetForLeaderEpoch request");
}

void OffsetForLeaderEpochResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      write_error(e, p.error);
      e.write<int32_t>(p.leader_epoch);
      e.write<int64_t>(p.end_offset);
    }
  }
}

Result<OffsetForLeaderEpochResponse> OffsetForLeaderEpochResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetForLeaderEpochResponse r;
  uint32_t nt = d.read_count("topics", kMinString + kMinCount, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    EpochEndTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 18, limits::kMaxPartitionsPerRequest);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      EpochEndPartition p;
      p.partition = d.read<int32_t>("partition");
      p.error = read_error(d);
      p.leader_epoch = d.read<int32_t>("leader epoch");
      p.end_offset = d.read<int64_t>("end offset");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "OffsetForLeaderEpoch response");
}

}  // namespace cairn::protocol
