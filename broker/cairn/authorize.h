#pragma once

// Authorization of Cairn requests (broker/security/README.md, "What each request needs"): one
// function per API, asked by the handler table before the handler runs, and only when the
// authorizer is on (the handler table's one branch per request otherwise).
//
// authorize() checks the request against the principal's rights and either refuses it whole
// (a GROUP_, CLUSTER_ or TOPIC_AUTHORIZATION_FAILED error response: the group or cluster
// operations, TopicConfig) or takes out the entries the principal may not touch, so that the
// handler never sees them; finish() then answers those entries with TOPIC_AUTHORIZATION_FAILED
// (or GROUP_AUTHORIZATION_FAILED) in the response, after the handler's own entries, and leaves
// out of listings (Metadata of every topic, ListGroups, OffsetFetch of every partition) what the
// principal may not describe.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/cairn/handler.h"

namespace cairn::broker {

struct Refusals {
  // Set when the whole request is refused.
  std::optional<protocol::ErrorCode> request;
  std::string message;
  // Topics taken out of the request, with the partitions they named (none for topic-level
  // requests).
  std::vector<std::pair<std::string, std::vector<int32_t>>> topics;
  std::vector<std::string> groups;  // groups taken out (DeleteGroups)
};

Refusals authorize(const RequestContext& ctx, protocol::ApiVersionsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::MetadataRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::CreateTopicsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DeleteTopicsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::ProduceRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::FetchRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::ListOffsetsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::FindCoordinatorRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::JoinGroupRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::SyncGroupRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::HeartbeatRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::LeaveGroupRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::OffsetCommitRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::OffsetFetchRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::ListGroupsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DescribeGroupsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::InitProducerIdRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DeleteGroupsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::TopicConfigRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::SaslHandshakeRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::SaslAuthenticateRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::CreateAclsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DescribeAclsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DeleteAclsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::AlterUserScramCredentialsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DescribeUserScramCredentialsRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::PromoteRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::OffsetForLeaderEpochRequest& r);
// The transaction APIs (authorize_transactions.cc).
Refusals authorize(const RequestContext& ctx, protocol::AddPartitionsToTxnRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::AddOffsetsToTxnRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::TxnOffsetCommitRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::EndTxnRequest& r);
Refusals authorize(const RequestContext& ctx, protocol::DescribeTransactionsRequest& r);

void finish(const RequestContext& ctx, protocol::MetadataResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::TopicResultsResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::ProduceResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::FetchResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::ListOffsetsResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::OffsetCommitResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::OffsetFetchResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::ListGroupsResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::DescribeGroupsResponse& r,
            const Refusals& refused);
void finish(const RequestContext& ctx, protocol::DeleteGroupsResponse& r, const Refusals& refused);
void finish(const RequestContext& ctx, protocol::DescribeTransactionsResponse& r,
            const Refusals& refused);
// The other responses carry nothing authorization adds or removes.
template <class Response>
void finish(const RequestContext&, Response&, const Refusals&) {}

}  // namespace cairn::broker
