#include "protocol/messages/admin.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinCount;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

Result<ApiVersionsRequest> ApiVersionsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  return done(d, ApiVersionsRequest{}, "ApiVersions request");
}

void ApiVersionsResponse::encode(Encoder& e, uint16_t version) const {
  e.write_count(apis.size());
  for (const auto& a : apis) {
    e.write<uint16_t>(a.api_key);
    e.write<uint16_t>(a.min_version);
    e.write<uint16_t>(a.max_version);
  }
  e.write_string(broker_version);
  e.write<uint32_t>(max_frame_bytes);
  e.write<uint32_t>(max_inflight_requests);
  if (version >= 1) e.write<uint32_t>(max_batch_bytes);
}

Result<ApiVersionsResponse> ApiVersionsResponse::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  ApiVersionsResponse r;
  uint32_t n = d.read_count("apis", 6);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    ApiVersionRange a;
    a.api_key = d.read<uint16_t>("api key");
    a.min_version = d.read<uint16_t>("min version");
    a.max_version = d.read<uint16_t>("max version");
    r.apis.push_back(a);
  }
  r.broker_version = d.read_string("broker version");
  r.max_frame_bytes = d.read<uint32_t>("max frame bytes");
  r.max_inflight_requests = d.read<uint32_t>("max inflight requests");
  if (version >= 1) r.max_batch_bytes = d.read<uint32_t>("max batch bytes");
  return done(d, std::move(r), "ApiVersions response");
}

void MetadataRequest::encode(Encoder& e, uint16_t version) const {
  if (!topics) {
    e.write<int32_t>(-1);
  } else {
    e.write<int32_t>(static_cast<int32_t>(topics->size()));
    for (const auto& t : *topics) e.write_string(t);
  }
  if (version >= 1) e.write<uint8_t>(create_missing ? 1 : 0);
}

Result<MetadataRequest> MetadataRequest::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  MetadataRequest r;
  r.create_missing = version == 0;
  auto n = d.read_nullable_count("topics", kMinString);
  if (n && *n > limits::kMaxNamesPerRequest) {
    d.fail("topics", "count " + std::to_string(*n) + " is over the limit of " +
                         std::to_string(limits::kMaxNamesPerRequest));
  }
  if (n && d.ok()) {
    r.topics.emplace();
    for (uint32_t i = 0; i < *n && d.ok(); ++i) r.topics->push_back(d.read_string("topic"));
  }
  if (version >= 1 && d.ok()) {
    uint8_t create = d.read<uint8_t>("create missing");
    if (d.ok() && create > 1) d.fail("create missing", "must be 0 or 1");
    r.create_missing = create == 1;
  }
  return done(d, std::move(r), "Metadata request");
}

void TopicSettings::encode(Encoder& e) const {
  e.write<int64_t>(retention_ms);
  e.write<int64_t>(retention_bytes);
  e.write<int64_t>(segment_bytes);
  e.write<int64_t>(segment_ms);
  e.write_string(durability);
}

void TopicSettings::decode(Decoder& d) {
  retention_ms = d.read<int64_t>("retention ms");
  retention_bytes = d.read<int64_t>("retention bytes");
  segment_bytes = d.read<int64_t>("segment bytes");
  segment_ms = d.read<int64_t>("segment ms");
  durability = d.read_string("durability");
}

void MetadataResponse::encode(Encoder& e, uint16_t version) const {
  e.write<int32_t>(node_id);
  e.write_string(host);
  e.write<uint16_t>(port);
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    write_error(e, t.error);
    t.settings.encode(e);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      write_error(e, p.error);
      e.write_message(p.error_message);
      e.write<int32_t>(p.leader);
      e.write<int64_t>(p.log_start_offset);
      e.write<int64_t>(p.high_watermark);
      e.write<int64_t>(p.size_bytes);
      if (version < 2) continue;
      e.write<int32_t>(p.leader_epoch);
      e.write<int64_t>(p.log_end_offset);
      e.write_count(p.replicas.size());
      for (const auto& r : p.replicas) {
        e.write<int32_t>(r.replica_id);
        e.write<int64_t>(r.fetched_offset);
        e.write<uint8_t>(r.in_sync ? 1 : 0);
        e.write<int64_t>(r.caught_up_ms_ago);
      }
    }
  }
  if (version < 2) return;
  e.write<uint8_t>(is_leader ? 1 : 0);
  e.write_string(leader_address);
}

Result<MetadataResponse> MetadataResponse::decode(Bytes body, uint16_t version) {
  Decoder d(body);
  MetadataResponse r;
  r.node_id = d.read<int32_t>("node id");
  r.host = d.read_string("host");
  r.port = d.read<uint16_t>("port");
  uint32_t nt = d.read_count("topics", kMinString + 2 + 34 + kMinCount);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    TopicMetadata t;
    t.name = d.read_string("topic");
    t.error = read_error(d, "topic error");
    t.settings.decode(d);
    uint32_t np = d.read_count("partitions",
                               4 + 2 + kMinString + 4 + 24 + (version >= 2 ? 12 + kMinCount : 0));
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      PartitionMetadata p;
      p.partition = d.read<int32_t>("partition");
      p.error = read_error(d, "partition error");
      p.error_message = d.read_string("partition error message");
      p.leader = d.read<int32_t>("leader");
      p.log_start_offset = d.read<int64_t>("log start offset");
      p.high_watermark = d.read<int64_t>("high watermark");
      p.size_bytes = d.read<int64_t>("size bytes");
      if (version >= 2) {
        p.leader_epoch = d.read<int32_t>("leader epoch");
        p.log_end_offset = d.read<int64_t>("log end offset");
        uint32_t nr = d.read_count("replicas", 4 + 8 + 1 + 8);
        for (uint32_t k = 0; k < nr && d.ok(); ++k) {
          ReplicaMetadata rm;
          rm.replica_id = d.read<int32_t>("replica id");
          rm.fetched_offset = d.read<int64_t>("fetched offset");
          uint8_t in_sync = d.read<uint8_t>("in sync");
          if (d.ok() && in_sync > 1) d.fail("in sync", "must be 0 or 1");
          rm.in_sync = in_sync == 1;
          rm.caught_up_ms_ago = d.read<int64_t>("caught up ms ago");
          p.replicas.push_back(rm);
        }
      }
      t.partitions.push_back(std::move(p));
    }
    r.topics.push_back(std::move(t));
  }
  if (version >= 2 && d.ok()) {
    uint8_t leads = d.read<uint8_t>("leader");
    if (d.ok() && leads > 1) d.fail("leader", "must be 0 or 1");
    r.is_leader = leads == 1;
    r.leader_address = d.read_string("leader address");
  }
  return done(d, std::move(r), "Metadata response");
}

void CreateTopicsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write<int32_t>(t.partitions);
    t.settings.encode(e);
  }
}

Result<CreateTopicsRequest> CreateTopicsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  CreateTopicsRequest r;
  uint32_t n = d.read_count("topics", kMinString + 4 + 34, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    NewTopic t;
    t.name = d.read_string("topic");
    t.partitions = d.read<int32_t>("partitions");
    t.settings.decode(d);
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "CreateTopics request");
}

void TopicResultsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(results.size());
  for (const auto& t : results) {
    e.write_string(t.name);
    write_error(e, t.error);
    e.write_message(t.message);
  }
}

Result<TopicResultsResponse> TopicResultsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  TopicResultsResponse r;
  uint32_t n = d.read_count("results", kMinString + 2 + kMinString);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    TopicResult t;
    t.name = d.read_string("topic");
    t.error = read_error(d, "error");
    t.message = d.read_string("message");
    r.results.push_back(std::move(t));
  }
  return done(d, std::move(r), "topic results");
}

void DeleteTopicsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(names.size());
  for (const auto& n : names) e.write_string(n);
}

Result<DeleteTopicsRequest> DeleteTopicsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DeleteTopicsRequest r;
  uint32_t n = d.read_count("topics", kMinString, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.names.push_back(d.read_string("topic"));
  return done(d, std::move(r), "DeleteTopics request");
}

void ListOffsetsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      e.write<int64_t>(p.timestamp);
    }
  }
}

Result<ListOffsetsRequest> ListOffsetsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  ListOffsetsRequest r;
  uint32_t partitions_left = limits::kMaxPartitionsPerRequest;
  uint32_t nt = d.read_count("topics", kMinString + kMinCount, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    ListOffsetsTopic t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 12, partitions_left);
    partitions_left -= np;
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      ListOffsetsPartition p;
      p.partition = d.read<int32_t>("partition");
      p.timestamp = d.read<int64_t>("timestamp");
      if (d.ok() && p.timestamp < kEarliestTimestamp) d.fail("timestamp", "below -2");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "ListOffsets request");
}

void ListOffsetsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(topics.size());
  for (const auto& t : topics) {
    e.write_string(t.name);
    e.write_count(t.partitions.size());
    for (const auto& p : t.partitions) {
      e.write<int32_t>(p.partition);
      write_error(e, p.error);
      e.write<int64_t>(p.offset);
    }
  }
}

Result<ListOffsetsResponse> ListOffsetsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  ListOffsetsResponse r;
  uint32_t nt = d.read_count("topics", kMinString + kMinCount);
  for (uint32_t i = 0; i < nt && d.ok(); ++i) {
    ListOffsetsTopicResult t;
    t.name = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 14);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      ListOffsetsPartitionResult p;
      p.partition = d.read<int32_t>("partition");
      p.error = read_error(d, "error");
      p.offset = d.read<int64_t>("offset");
      t.partitions.push_back(p);
    }
    r.topics.push_back(std::move(t));
  }
  return done(d, std::move(r), "ListOffsets response");
}

}  // namespace cairn::protocol
