// Bodies of OffsetCommit and OffsetFetch.
#include "protocol/messages/group.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

void OffsetCommitRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  e.write<int32_t>(generation);
  e.write_string(member_id);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int64_t>(p.offset);
      e.write_string(p.metadata);
    }
  }
}
Result<OffsetCommitRequest> OffsetCommitRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetCommitRequest r;
  r.group_id = d.read_string("group id");
  r.generation = d.read<int32_t>("generation");
  r.member_id = d.read_string("member id");
  uint32_t nt = d.read_count("topics", kMinString + 4);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    CommitTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4 + 8 + kMinString);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      CommitPartition p;
      p.partition = d.read<int32_t>("partition");
      p.offset = d.read<int64_t>("offset");
      p.metadata = d.read_string("metadata");
      t.partitions.push_back(std::move(p));
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "OffsetCommit request");
}

void OffsetCommitResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      write_error(e, p.error);
    }
  }
}
Result<OffsetCommitResponse> OffsetCommitResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetCommitResponse r;
  uint32_t nt = d.read_count("topics", kMinString + 4);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    TopicPartitionErrors t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 6);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      PartitionError p;
      p.partition = d.read<int32_t>("partition");
      p.error = read_error(d);
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "OffsetCommit response");
}

void OffsetFetchRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  if (!topics) {
    e.write<int32_t>(-1);
    return;
  }
  e.write<int32_t>(static_cast<int32_t>(topics->size()));
  for (const auto& t : *topics) {
    e.write_string(t.topic);
    e.write_count(t.partitions.size());
    for (int32_t p : t.partitions) e.write<int32_t>(p);
  }
}
Result<OffsetFetchRequest> OffsetFetchRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetFetchRequest r;
  r.group_id = d.read_string("group id");
  auto n = d.read_nullable_count("topics", kMinString + 4);
  if (n) {
    r.topics.emplace();
    for (uint32_t i = 0; i < *n && d.ok(); ++i) {
      TopicPartitions t;
      t.topic = d.read_string("topic");
      uint32_t np = d.read_count("partitions", 4);
      for (uint32_t j = 0; j < np && d.ok(); ++j) {
        t.partitions.push_back(d.read<int32_t>("partition"));
      }
      r.topics->push_back(std::move(t));
    }
  }
  return done(d, std::move(r), "OffsetFetch request");
}

void OffsetFetchResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int64_t>(p.offset);
      e.write_string(p.metadata);
      write_error(e, p.error);
    }
  }
}
Result<OffsetFetchResponse> OffsetFetchResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  OffsetFetchResponse r;
  r.error = read_error(d);
  uint32_t nt = d.read_count("topics", kMinString + 4);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    FetchedOffsets t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4 + 8 + kMinString + 2);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      FetchedOffset p;
      p.partition = d.read<int32_t>("partition");
      p.offset = d.read<int64_t>("offset");
      p.metadata = d.read_string("metadata");
      p.error = read_error(d);
      t.partitions.push_back(std::move(p));
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "OffsetFetch response");
}

}  // namespace cairn::protocol
