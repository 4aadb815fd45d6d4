#include "protocol/messages/group.h"

#include "protocol/frame.h"

namespace cairn::protocol {

namespace {

constexpr size_t kMinString = 2;

ErrorCode read_error(Decoder& d) { return static_cast<ErrorCode>(d.read<int16_t>("error")); }
void write_error(Encoder& e, ErrorCode c) { e.write<int16_t>(static_cast<int16_t>(c)); }

template <typename T>
Result<T> done(Decoder& d, T value, std::string_view what) {
  Status s = d.finish(what);
  if (!s.is_ok()) return s;
  return value;
}

void write_assignment(Encoder& e, const std::vector<TopicPartitions>& a) {
  e.write_count(a.size());
  for (const auto& t : a) {
    e.write_string(t.topic);
    e.write_count(t.partitions.size());
    for (int32_t p : t.partitions) e.write<int32_t>(p);
  }
}

std::vector<TopicPartitions> read_assignment(Decoder& d) {
  std::vector<TopicPartitions> out;
  uint32_t n = d.read_count("topics", kMinString + 4);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    TopicPartitions t;
    t.topic = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4);
    for (uint32_t j = 0; j < np && d.ok(); ++j) t.partitions.push_back(d.read<int32_t>("partition"));
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

void FindCoordinatorRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(key);
  e.write<uint8_t>(key_type);
}
Result<FindCoordinatorRequest> FindCoordinatorRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  FindCoordinatorRequest r;
  r.key = d.read_string("key");
  r.key_type = d.read<uint8_t>("key type");
  if (d.ok() && r.key_type != 0) d.fail("key type", "not 0 (group)");
  return done(d, std::move(r), "FindCoordinator request");
}

void FindCoordinatorResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write<int32_t>(node_id);
  e.write_string(host);
  e.write<uint16_t>(port);
}
Result<FindCoordinatorResponse> FindCoordinatorResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  FindCoordinatorResponse r;
  r.error = read_error(d);
  r.node_id = d.read<int32_t>("node id");
  r.host = d.read_string("host");
  r.port = d.read<uint16_t>("port");
  return done(d, std::move(r), "FindCoordinator response");
}

void JoinGroupRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  e.write<int32_t>(session_timeout_ms);
  e.write<int32_t>(rebalance_timeout_ms);
  e.write_string(member_id);
  e.write_string(strategy);
  e.write_count(topics.size());
  for (const auto& t : topics) e.write_string(t);
}
Result<JoinGroupRequest> JoinGroupRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  JoinGroupRequest r;
  r.group_id = d.read_string("group id");
  r.session_timeout_ms = d.read<int32_t>("session timeout");
  r.rebalance_timeout_ms = d.read<int32_t>("rebalance timeout");
  r.member_id = d.read_string("member id");
  r.strategy = d.read_string("strategy");
  uint32_t n = d.read_count("topics", kMinString);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.topics.push_back(d.read_string("topic"));
  return done(d, std::move(r), "JoinGroup request");
}

void JoinGroupResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write<int32_t>(generation);
  e.write_string(member_id);
  e.write_string(leader);
  e.write_string(strategy);
  e.write_count(members.size());
  for (const auto& m : members) {
    e.write_string(m.member_id);
    e.write_string(m.client_id);
  }
}
Result<JoinGroupResponse> JoinGroupResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  JoinGroupResponse r;
  r.error = read_error(d);
  r.generation = d.read<int32_t>("generation");
  r.member_id = d.read_string("member id");
  r.leader = d.read_string("leader");
  r.strategy = d.read_string("strategy");
  uint32_t n = d.read_count("members", 2 * kMinString);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    GroupMemberInfo m;
    m.member_id = d.read_string("member id");
    m.client_id = d.read_string("client id");
    r.members.push_back(std::move(m));
  }
  return done(d, std::move(r), "JoinGroup response");
}

void SyncGroupRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  e.write<int32_t>(generation);
  e.write_string(member_id);
}
Result<SyncGroupRequest> SyncGroupRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SyncGroupRequest r;
  r.group_id = d.read_string("group id");
  r.generation = d.read<int32_t>("generation");
  r.member_id = d.read_string("member id");
  return done(d, std::move(r), "SyncGroup request");
}

void SyncGroupResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  write_assignment(e, assignment);
}
Result<SyncGroupResponse> SyncGroupResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SyncGroupResponse r;
  r.error = read_error(d);
  r.assignment = read_assignment(d);
  return done(d, std::move(r), "SyncGroup response");
}

void HeartbeatRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  e.write<int32_t>(generation);
  e.write_string(member_id);
}
Result<HeartbeatRequest> HeartbeatRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  HeartbeatRequest r;
  r.group_id = d.read_string("group id");
  r.generation = d.read<int32_t>("generation");
  r.member_id = d.read_string("member id");
  return done(d, std::move(r), "Heartbeat request");
}

void LeaveGroupRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(group_id);
  e.write_string(member_id);
}
Result<LeaveGroupRequest> LeaveGroupRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  LeaveGroupRequest r;
  r.group_id = d.read_string("group id");
  r.member_id = d.read_string("member id");
  return done(d, std::move(r), "LeaveGroup request");
}

void GroupErrorResponse::encode(Encoder& e, uint16_t) const { write_error(e, error); }
Result<GroupErrorResponse> GroupErrorResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  GroupErrorResponse r;
  r.error = read_error(d);
  return done(d, r, "group response");
}

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
      for (uint32_t j = 0; j < np && d.ok(); ++j) t.partitions.push_back(d.read<int32_t>("partition"));
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

Result<ListGroupsRequest> ListGroupsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  return done(d, ListGroupsRequest{}, "ListGroups request");
}

void ListGroupsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(groups.size());
  for (const auto& g : groups) {
    e.write_string(g.group_id);
    e.write_string(g.state);
    e.write<int32_t>(g.members);
  }
}
Result<ListGroupsResponse> ListGroupsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  ListGroupsResponse r;
  uint32_t n = d.read_count("groups", 2 * kMinString + 4);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    GroupListing g;
    g.group_id = d.read_string("group id");
    g.state = d.read_string("state");
    g.members = d.read<int32_t>("members");
    r.groups.push_back(std::move(g));
  }
  return done(d, std::move(r), "ListGroups response");
}

void DescribeGroupsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(groups.size());
  for (const auto& g : groups) e.write_string(g);
}
Result<DescribeGroupsRequest> DescribeGroupsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeGroupsRequest r;
  uint32_t n = d.read_count("groups", kMinString, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.groups.push_back(d.read_string("group id"));
  return done(d, std::move(r), "DescribeGroups request");
}

void DescribeGroupsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(groups.size());
  for (const auto& g : groups) {
    e.write_string(g.group_id);
    write_error(e, g.error);
    e.write_string(g.state);
    e.write_string(g.strategy);
    e.write<int32_t>(g.generation);
    e.write_count(g.members.size());
    for (const auto& m : g.members) {
      e.write_string(m.member_id);
      e.write_string(m.client_id);
      e.write_string(m.host);
      write_assignment(e, m.assignment);
    }
  }
}
Result<DescribeGroupsResponse> DescribeGroupsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DescribeGroupsResponse r;
  uint32_t n = d.read_count("groups", 3 * kMinString + 2 + 4 + 4);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    DescribedGroup g;
    g.group_id = d.read_string("group id");
    g.error = read_error(d);
    g.state = d.read_string("state");
    g.strategy = d.read_string("strategy");
    g.generation = d.read<int32_t>("generation");
    uint32_t nm = d.read_count("members", 3 * kMinString + 4);
    for (uint32_t j = 0; j < nm && d.ok(); ++j) {
      DescribedMember m;
      m.member_id = d.read_string("member id");
      m.client_id = d.read_string("client id");
      m.host = d.read_string("host");
      m.assignment = read_assignment(d);
      g.members.push_back(std::move(m));
    }
    r.groups.push_back(std::move(g));
  }
  return done(d, std::move(r), "DescribeGroups response");
}

void InitProducerIdRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(transactional_id);
  e.write<int32_t>(transaction_timeout_ms);
}
Result<InitProducerIdRequest> InitProducerIdRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  InitProducerIdRequest r;
  r.transactional_id = d.read_string("transactional id");
  r.transaction_timeout_ms = d.read<int32_t>("transaction timeout");
  return done(d, std::move(r), "InitProducerId request");
}

void InitProducerIdResponse::encode(Encoder& e, uint16_t) const {
  write_error(e, error);
  e.write<int64_t>(producer_id);
  e.write<int16_t>(producer_epoch);
}
Result<InitProducerIdResponse> InitProducerIdResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  InitProducerIdResponse r;
  r.error = read_error(d);
  r.producer_id = d.read<int64_t>("producer id");
  r.producer_epoch = d.read<int16_t>("producer epoch");
  return done(d, r, "InitProducerId response");
}

}  // namespace cairn::protocol
