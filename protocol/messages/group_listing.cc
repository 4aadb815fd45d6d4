// Bodies of ListGroups and DescribeGroups.
#include "protocol/messages/group.h"

#include "protocol/messages/body_codec.h"

#include "protocol/frame.h"

namespace cairn::protocol {

using body_codec::done;
using body_codec::kMinString;
using body_codec::read_error;
using body_codec::write_error;

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
      encode_assignment(e, m.assignment);
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
      m.assignment = decode_assignment(d);
      g.members.push_back(std::move(m));
    }
    r.groups.push_back(std::move(g));
  }
  return done(d, std::move(r), "DescribeGroups response");
}

void DeleteGroupsRequest::encode(Encoder& e, uint16_t) const {
  e.write_count(groups.size());
  for (const auto& g : groups) e.write_string(g);
}
Result<DeleteGroupsRequest> DeleteGroupsRequest::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DeleteGroupsRequest r;
  uint32_t n = d.read_count("groups", kMinString, limits::kMaxNamesPerRequest);
  for (uint32_t i = 0; i < n && d.ok(); ++i) r.groups.push_back(d.read_string("group id"));
  return done(d, std::move(r), "DeleteGroups request");
}

void DeleteGroupsResponse::encode(Encoder& e, uint16_t) const {
  e.write_count(groups.size());
  for (const auto& g : groups) {
    e.write_string(g.group_id);
    write_error(e, g.error);
    e.write_string(g.message);
  }
}
Result<DeleteGroupsResponse> DeleteGroupsResponse::decode(Bytes body, uint16_t) {
  Decoder d(body);
  DeleteGroupsResponse r;
  uint32_t n = d.read_count("groups", 2 * kMinString + 2);
  for (uint32_t i = 0; i < n && d.ok(); ++i) {
    DeletedGroup g;
    g.group_id = d.read_string("group id");
    g.error = read_error(d);
    g.message = d.read_string("message");
    r.groups.push_back(std::move(g));
  }
  return done(d, std::move(r), "DeleteGroups response");
}

}  // namespace cairn::protocol
