#pragma once

// Authorization of Kafka requests: each served Kafka API is checked with the same rules as its
// Cairn counterpart (broker/cairn/authorize.h; broker/security/README.md, "What each request
// needs"), against the same security snapshot, so that a principal may do the same on either
// listener. Asked by the front end before the handler runs, and only when the authorizer is on.
//
// authorize() either refuses the request whole (`request` set: the front end answers
// refused(), the handler does not run) or takes out the entries the principal may not touch, so
// that the handler never sees them; finish() then answers those entries with Kafka's
// TOPIC_, GROUP_ or CLUSTER_AUTHORIZATION_FAILED in the response and leaves out of listings
// (Metadata of every topic, ListGroups) what the principal may not describe.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/kafka/handlers.h"

namespace cairn::broker::kafka {

// Whether the request's principal may do `op` on the resource (the authorizer is on).
inline bool allowed(const KafkaContext& ctx, security::AclOperation op, security::ResourceType type,
                    std::string_view name) {
  return ctx.security->allowed(ctx.principal, op, type, name);
}
inline bool on_cluster(const KafkaContext& ctx, security::AclOperation op) {
  return allowed(ctx, op, security::ResourceType::kCluster, security::kClusterResourceName);
}

struct KafkaRefusals {
  // Set when the whole request is refused.
  std::optional<pk::ErrorCode> request;
  // Topics taken out of the request, with the partitions they named.
  std::vector<std::pair<std::string, std::vector<int32_t>>> topics;
  std::vector<std::string> groups;  // groups taken out (DeleteGroups, OffsetFetch v8+)
  // Partitions of a request that fails whole when one topic is refused (AddPartitionsToTxn):
  // taken out with the refused topics and answered OPERATION_NOT_ATTEMPTED.
  std::vector<std::pair<std::string, std::vector<int32_t>>> not_attempted;
  // Config resources taken out: Kafka's resource type, name, error.
  struct ConfigResource {
    int8_t type;
    std::string name;
    pk::ErrorCode error;
  };
  std::vector<ConfigResource> resources;
};

// The APIs every connection may use once it is authenticated (or before, for the SASL ones).
template <class Request>
KafkaRefusals authorize(const KafkaContext&, Request&) {
  return {};
}
KafkaRefusals authorize(const KafkaContext& ctx, pk::MetadataRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::ProduceRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::FetchRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::ListOffsetsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::CreateTopicsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteTopicsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::InitProducerIdRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::FindCoordinatorRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::JoinGroupRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::SyncGroupRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::HeartbeatRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::LeaveGroupRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetCommitRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetFetchRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteGroupsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DescribeConfigsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::AlterConfigsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::IncrementalAlterConfigsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::CreatePartitionsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteRecordsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::OffsetForLeaderEpochRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::CreateAclsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DescribeAclsRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::DeleteAclsRequest& r);
// The transaction APIs (authorize_transactions.cc).
KafkaRefusals authorize(const KafkaContext& ctx, pk::AddPartitionsToTxnRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::AddOffsetsToTxnRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::TxnOffsetCommitRequest& r);
KafkaRefusals authorize(const KafkaContext& ctx, pk::EndTxnRequest& r);

// The answer to a request refused whole with `error`: the response's top-level error, or the
// error in every entry where the response has no top-level one.
template <class Response, class Request>
Response refused(const Request&, pk::ErrorCode error) {
  Response out;
  if constexpr (requires { out.error_code; }) out.error_code = pk::code_of(error);
  if constexpr (requires { out.error_message; }) out.error_message = "not authorized";
  return out;
}
// A response with `error` in every partition of every topic of `r` (OffsetCommit's and
// TxnOffsetCommit's answers have that shape).
template <class Response, class Request>
Response each_partition_refused(const Request& r, pk::ErrorCode error) {
  Response out;
  for (const auto& t : r.topics) {
    auto& topic = out.topics.emplace_back();
    topic.name = t.name;
    for (const auto& p : t.partitions) {
      topic.partitions.push_back({p.partition_index, pk::code_of(error)});
    }
  }
  return out;
}
template <>
pk::FindCoordinatorResponse refused(const pk::FindCoordinatorRequest& r, pk::ErrorCode error);
template <>
pk::OffsetCommitResponse refused(const pk::OffsetCommitRequest& r, pk::ErrorCode error);
template <>
pk::CreateAclsResponse refused(const pk::CreateAclsRequest& r, pk::ErrorCode error);
template <>
pk::DeleteAclsResponse refused(const pk::DeleteAclsRequest& r, pk::ErrorCode error);
template <>
pk::ProduceResponse refused(const pk::ProduceRequest& r, pk::ErrorCode error);
template <>
pk::AddPartitionsToTxnResponse refused(const pk::AddPartitionsToTxnRequest& r, pk::ErrorCode error);
template <>
pk::TxnOffsetCommitResponse refused(const pk::TxnOffsetCommitRequest& r, pk::ErrorCode error);

// The other responses carry nothing authorization adds or removes.
template <class Response>
void finish(const KafkaContext&, Response&, const KafkaRefusals&) {}
void finish(const KafkaContext& ctx, pk::MetadataResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::ProduceResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::FetchResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::ListOffsetsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::CreateTopicsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DeleteTopicsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::OffsetCommitResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::CreatePartitionsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DeleteRecordsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::OffsetForLeaderEpochResponse& r,
            const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::OffsetFetchResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::ListGroupsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DescribeGroupsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DeleteGroupsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DescribeConfigsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::AlterConfigsResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::IncrementalAlterConfigsResponse& r,
            const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::AddPartitionsToTxnResponse& r,
            const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::TxnOffsetCommitResponse& r, const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::DescribeTransactionsResponse& r,
            const KafkaRefusals& refused);
void finish(const KafkaContext& ctx, pk::ListTransactionsResponse& r, const KafkaRefusals& refused);

}  // namespace cairn::broker::kafka
