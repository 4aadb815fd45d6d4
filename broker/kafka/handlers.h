#pragma once

// One handle() per served Kafka API (handlers/*.cc); the front end's table (front_end.cc) lists
// them with their versions.

#include "broker/kafka/handler.h"
#include "protocol/kafka/error_code.h"
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
awaitable<KafkaReply<pk::CreateTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::CreateTopicsRequest r);
awaitable<KafkaReply<pk::DeleteTopicsResponse>> handle(KafkaContext& ctx,
                                                       pk::DeleteTopicsRequest r);
awaitable<KafkaReply<pk::CreatePartitionsResponse>> handle(KafkaContext& ctx,
                                                           pk::CreatePartitionsRequest r);
awaitable<KafkaReply<pk::InitProducerIdResponse>> handle(KafkaContext& ctx,
                                                         pk::InitProducerIdRequest r);
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

}  // namespace cairn::broker::kafka
