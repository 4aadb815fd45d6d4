#pragma once

// One handle() per served Kafka API (handlers/*.cc); the front end's table (front_end.cc) lists
// them with their versions.

#include "broker/kafka/handler.h"
#include "protocol/kafka/error_code.h"
#include "protocol/kafka/messages/acls.h"
#include "protocol/kafka/messages/configs.h"
#include "protocol/kafka/messages/connection.h"
#include "protocol/kafka/messages/fetch.h"
#include "protocol/kafka/messages/group.h"
#include "protocol/kafka/messages/group_admin.h"
#include "protocol/kafka/messages/list_offsets.h"
#include "protocol/kafka/messages/metadata.h"
#include "protocol/kafka/messages/offsets.h"
#include "protocol/kafka/messages/produce.h"
#include "protocol/kafka/messages/topics.h"
#include "protocol/kafka/messages/transaction_admin.h"
#include "protocol/kafka/messages/transaction_commit.h"
#include "protocol/kafka/messages/transactions.h"

namespace cairn::broker::kafka {

namespace pk = protocol::kafka;

awaitable<KafkaReply<pk::ApiVersionsResponse>> handle(KafkaContext& ctx, pk::ApiVersionsRequest r);
awaitable<KafkaReply<pk::MetadataResponse>> handle(KafkaContext& ctx, pk::MetadataRequest r);
awaitable<KafkaReply<pk::DescribeClusterResponse>> handle(KafkaContext& ctx,
                                                          pk::DescribeClusterRequest r);
awaitable<KafkaReply<pk::ProduceResponse>> handle(KafkaContext& ctx, pk::ProduceRequest r);
awaitable<KafkaReply<pk::FetchResponse>> handle(KafkaContext& ctx, pk::FetchRequest r);
awaitable<KafkaReply<pk::ListOffsetsResponse>> handle(KafkaContext& ctx, pk::ListOffsetsRequest r);
awaitable<KafkaReply<pk::OffsetForLeaderEpochResponse>> handle(KafkaContext& ctx,
                                                               pk::OffsetForLeaderEpochRequest r);
awaitable<KafkaReply<pk::CreateTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::CreateTopicsRequest r);
awaitable<KafkaReply<pk::DeleteTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::DeleteTopicsRequest r);
awaitable<KafkaReply<pk::CreatePartitionsResponse>> handle(KafkaContext& ctx,
                                                           pk::CreatePartitionsRequest r);
awaitable<KafkaReply<pk::DeleteRecordsResponse>> handle(KafkaContext& ctx,
                                                        pk::DeleteRecordsRequest r);
awaitable<KafkaReply<pk::InitProducerIdResponse>> handle(KafkaContext& ctx,
                                                         pk::InitProducerIdRequest r);
awaitable<KafkaReply<pk::AddPartitionsToTxnResponse>> handle(KafkaContext& ctx,
                                                             pk::AddPartitionsToTxnRequest r);
awaitable<KafkaReply<pk::AddOffsetsToTxnResponse>> handle(KafkaContext& ctx,
                                                          pk::AddOffsetsToTxnRequest r);
awaitable<KafkaReply<pk::TxnOffsetCommitResponse>> handle(KafkaContext& ctx,
                                                          pk::TxnOffsetCommitRequest r);
awaitable<KafkaReply<pk::EndTxnResponse>> handle(KafkaContext& ctx, pk::EndTxnRequest r);
awaitable<KafkaReply<pk::DescribeTransactionsResponse>> handle(KafkaContext& ctx,
                                                               pk::DescribeTransactionsRequest r);
awaitable<KafkaReply<pk::ListTransactionsResponse>> handle(KafkaContext& ctx,
                                                           pk::ListTransactionsRequest r);
awaitable<KafkaReply<pk::FindCoordinatorResponse>> handle(KafkaContext& ctx,
                                                          pk::FindCoordinatorRequest r);
awaitable<KafkaReply<pk::JoinGroupResponse>> handle(KafkaContext& ctx, pk::JoinGroupRequest r);
awaitable<KafkaReply<pk::SyncGroupResponse>> handle(KafkaContext& ctx, pk::SyncGroupRequest r);
awaitable<KafkaReply<pk::HeartbeatResponse>> handle(KafkaContext& ctx, pk::HeartbeatRequest r);
awaitable<KafkaReply<pk::LeaveGroupResponse>> handle(KafkaContext& ctx, pk::LeaveGroupRequest r);
awaitable<KafkaReply<pk::OffsetCommitResponse>> handle(KafkaContext& ctx,
                                                       pk::OffsetCommitRequest r);
awaitable<KafkaReply<pk::OffsetFetchResponse>> handle(KafkaContext& ctx, pk::OffsetFetchRequest r);
awaitable<KafkaReply<pk::ListGroupsResponse>> handle(KafkaContext& ctx, pk::ListGroupsRequest r);
awaitable<KafkaReply<pk::DescribeGroupsResponse>> handle(KafkaContext& ctx,
                                                         pk::DescribeGroupsRequest r);
awaitable<KafkaReply<pk::DeleteGroupsResponse>> handle(KafkaContext& ctx,
                                                       pk::DeleteGroupsRequest r);
awaitable<KafkaReply<pk::DescribeConfigsResponse>> handle(KafkaContext& ctx,
                                                          pk::DescribeConfigsRequest r);
awaitable<KafkaReply<pk::AlterConfigsResponse>> handle(KafkaContext& ctx,
                                                       pk::AlterConfigsRequest r);
awaitable<KafkaReply<pk::IncrementalAlterConfigsResponse>> handle(
    KafkaContext& ctx, pk::IncrementalAlterConfigsRequest r);

awaitable<KafkaReply<pk::SaslHandshakeResponse>> handle(KafkaContext& ctx,
                                                        pk::SaslHandshakeRequest r);
awaitable<KafkaReply<pk::SaslAuthenticateResponse>> handle(KafkaContext& ctx,
                                                           pk::SaslAuthenticateRequest r);
awaitable<KafkaReply<pk::CreateAclsResponse>> handle(KafkaContext& ctx, pk::CreateAclsRequest r);
awaitable<KafkaReply<pk::DescribeAclsResponse>> handle(KafkaContext& ctx,
                                                       pk::DescribeAclsRequest r);
awaitable<KafkaReply<pk::DeleteAclsResponse>> handle(KafkaContext& ctx, pk::DeleteAclsRequest r);

}  // namespace cairn::broker::kafka
