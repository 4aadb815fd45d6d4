#pragma once

// Cairn's handlers: one per API of protocol/apis.h, each in handlers/<api>.cc (the group APIs
// share handlers/groups.cc, CreateTopics and DeleteTopics handlers/topics.cc, the SASL APIs
// handlers/sasl.cc, the user and ACL management APIs handlers/security_admin.cc). The handler table
// (handler_table.cc) is generated from the API list and refuses to compile while an API has no
// handler here: adding an API is its entry in protocol/apis.h, one line here and its file.

#include "broker/cairn/handler.h"

namespace cairn::broker {

awaitable<Reply<protocol::ApiVersionsResponse>> handle(RequestContext& ctx,
                                                       protocol::ApiVersionsRequest r);
awaitable<Reply<protocol::MetadataResponse>> handle(RequestContext& ctx,
                                                    protocol::MetadataRequest r);
awaitable<Reply<protocol::CreateTopicsResponse>> handle(RequestContext& ctx,
                                                        protocol::CreateTopicsRequest r);
awaitable<Reply<protocol::DeleteTopicsResponse>> handle(RequestContext& ctx,
                                                        protocol::DeleteTopicsRequest r);
awaitable<Reply<protocol::ProduceResponse>> handle(RequestContext& ctx, protocol::ProduceRequest r);
awaitable<Reply<protocol::FetchResponse>> handle(RequestContext& ctx, protocol::FetchRequest r);
awaitable<Reply<protocol::ListOffsetsResponse>> handle(RequestContext& ctx,
                                                       protocol::ListOffsetsRequest r);
awaitable<Reply<protocol::FindCoordinatorResponse>> handle(RequestContext& ctx,
                                                           protocol::FindCoordinatorRequest r);
awaitable<Reply<protocol::JoinGroupResponse>> handle(RequestContext& ctx,
                                                     protocol::JoinGroupRequest r);
awaitable<Reply<protocol::SyncGroupResponse>> handle(RequestContext& ctx,
                                                     protocol::SyncGroupRequest r);
awaitable<Reply<protocol::HeartbeatResponse>> handle(RequestContext& ctx,
                                                     protocol::HeartbeatRequest r);
awaitable<Reply<protocol::LeaveGroupResponse>> handle(RequestContext& ctx,
                                                      protocol::LeaveGroupRequest r);
awaitable<Reply<protocol::OffsetCommitResponse>> handle(RequestContext& ctx,
                                                        protocol::OffsetCommitRequest r);
awaitable<Reply<protocol::OffsetFetchResponse>> handle(RequestContext& ctx,
                                                       protocol::OffsetFetchRequest r);
awaitable<Reply<protocol::ListGroupsResponse>> handle(RequestContext& ctx,
                                                      protocol::ListGroupsRequest r);
awaitable<Reply<protocol::DescribeGroupsResponse>> handle(RequestContext& ctx,
                                                          protocol::DescribeGroupsRequest r);
awaitable<Reply<protocol::InitProducerIdResponse>> handle(RequestContext& ctx,
                                                          protocol::InitProducerIdRequest r);
awaitable<Reply<protocol::DeleteGroupsResponse>> handle(RequestContext& ctx,
                                                        protocol::DeleteGroupsRequest r);
awaitable<Reply<protocol::TopicConfigResponse>> handle(RequestContext& ctx,
                                                       protocol::TopicConfigRequest r);
awaitable<Reply<protocol::SaslHandshakeResponse>> handle(RequestContext& ctx,
                                                         protocol::SaslHandshakeRequest r);
awaitable<Reply<protocol::SaslAuthenticateResponse>> handle(RequestContext& ctx,
                                                            protocol::SaslAuthenticateRequest r);
awaitable<Reply<protocol::CreateAclsResponse>> handle(RequestContext& ctx,
                                                      protocol::CreateAclsRequest r);
awaitable<Reply<protocol::DescribeAclsResponse>> handle(RequestContext& ctx,
                                                        protocol::DescribeAclsRequest r);
awaitable<Reply<protocol::DeleteAclsResponse>> handle(RequestContext& ctx,
                                                      protocol::DeleteAclsRequest r);
awaitable<Reply<protocol::AlterUserScramCredentialsResponse>> handle(
    RequestContext& ctx, protocol::AlterUserScramCredentialsRequest r);
awaitable<Reply<protocol::DescribeUserScramCredentialsResponse>> handle(
    RequestContext& ctx, protocol::DescribeUserScramCredentialsRequest r);
awaitable<Reply<protocol::PromoteResponse>> handle(RequestContext& ctx, protocol::PromoteRequest r);
awaitable<Reply<protocol::OffsetForLeaderEpochResponse>> handle(
    RequestContext& ctx, protocol::OffsetForLeaderEpochRequest r);
// The transaction APIs (handlers/transactions.cc).
awaitable<Reply<protocol::AddPartitionsToTxnResponse>> handle(
    RequestContext& ctx, protocol::AddPartitionsToTxnRequest r);
awaitable<Reply<protocol::AddOffsetsToTxnResponse>> handle(RequestContext& ctx,
                                                           protocol::AddOffsetsToTxnRequest r);
awaitable<Reply<protocol::TxnOffsetCommitResponse>> handle(RequestContext& ctx,
                                                           protocol::TxnOffsetCommitRequest r);
awaitable<Reply<protocol::EndTxnResponse>> handle(RequestContext& ctx, protocol::EndTxnRequest r);
awaitable<Reply<protocol::DescribeTransactionsResponse>> handle(
    RequestContext& ctx, protocol::DescribeTransactionsRequest r);

}  // namespace cairn::broker
