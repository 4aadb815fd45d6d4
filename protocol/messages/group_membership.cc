// Bodies of FindCoordinator, JoinGroup, SyncGroup, Heartbeat and LeaveGroup, and the
// assignment they share with DescribeGroups.
#include "protocol/messages/group.h"

#include "protocol/messages/body_codec.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

void encode_assignment(Encoder& e, const std::vector<TopicPartitions>& a) {
  e.write_count(a.size());
  for (const auto& t : a) {
    e.write_string(t.topic);
    e.write_count(t.partitions.size());
    for (int32_t p : t.partitions) e.write<int32_t>(p);
  }
}

std::vector<TopicPartitions> decode_assignment(Decoder& d) {
  std::vector<TopicPartitions> out;
  uint32_t n = d.read_count("topics", kMinString + 4);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    TopicPartitions t;
    t.topic = d.read_string("topic");
    uint32_t np = d.read_count("partitions", 4);
    for (uint32_t j = 0; j < np && d.ok(); ++j) {
      t.partitions.push_back(d.read<int32_t>("partition"));
    }
    out.push_back(std::move(t));
  }
  return out;
}

void FindCoordinatorRequest::encode(Encoder& e, uint16_t) const {
  e.write_string(key);
  e.write<uint8_t>(key_type);
}
Result<FindCoordinatorRequest> FindCoordinatorRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  FindCoordinatorRequest r;
  r.key = d.read_string("key");
  r.key_type = d.read<uint8_t>("key type");
  if (d.ok() && r.key_type > 1) d.fail("key type", "not 0 (group) or 1 (transaction)");
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
  encode_assignment(e, assignment);
}
Result<SyncGroupResponse> SyncGroupResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  SyncGroupResponse r;
  r.error = read_error(d);
  r.assignment = decode_assignment(d);
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

}  // namespace cairn::protocol
