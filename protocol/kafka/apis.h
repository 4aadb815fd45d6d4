#pragma once

// Every API's request and response types, for code that handles APIs generically: dispatch by
// key, ApiVersions answers, tests and fuzzing over every message.

#include <cstdint>

#include "protocol/kafka/api.h"
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

namespace cairn::protocol::kafka {

template <class Req, class Resp>
struct ApiMessages {
  using Request = Req;
  using Response = Resp;
  static constexpr const ApiSpec& kApi = Req::kApi;
  static_assert(&Req::kApi == &Resp::kApi, "a request and its response share one API");
};

// Calls f(ApiMessages<Request, Response>{}) for every API, in kApis order.
template <class F>
void for_each_api(F&& f) {
  f(ApiMessages<ProduceRequest, ProduceResponse>{});
  f(ApiMessages<FetchRequest, FetchResponse>{});
  f(ApiMessages<ListOffsetsRequest, ListOffsetsResponse>{});
  f(ApiMessages<MetadataRequest, MetadataResponse>{});
  f(ApiMessages<OffsetCommitRequest, OffsetCommitResponse>{});
  f(ApiMessages<OffsetFetchRequest, OffsetFetchResponse>{});
  f(ApiMessages<FindCoordinatorRequest, FindCoordinatorResponse>{});
  f(ApiMessages<JoinGroupRequest, JoinGroupResponse>{});
  f(ApiMessages<HeartbeatRequest, HeartbeatResponse>{});
  f(ApiMessages<LeaveGroupRequest, LeaveGroupResponse>{});
  f(ApiMessages<SyncGroupRequest, SyncGroupResponse>{});
  f(ApiMessages<DescribeGroupsRequest, DescribeGroupsResponse>{});
  f(ApiMessages<ListGroupsRequest, ListGroupsResponse>{});
  f(ApiMessages<SaslHandshakeRequest, SaslHandshakeResponse>{});
  f(ApiMessages<ApiVersionsRequest, ApiVersionsResponse>{});
  f(ApiMessages<CreateTopicsRequest, CreateTopicsResponse>{});
  f(ApiMessages<DeleteTopicsRequest, DeleteTopicsResponse>{});
  f(ApiMessages<DeleteRecordsRequest, DeleteRecordsResponse>{});
  f(ApiMessages<InitProducerIdRequest, InitProducerIdResponse>{});
  f(ApiMessages<OffsetForLeaderEpochRequest, OffsetForLeaderEpochResponse>{});
  f(ApiMessages<AddPartitionsToTxnRequest, AddPartitionsToTxnResponse>{});
  f(ApiMessages<AddOffsetsToTxnRequest, AddOffsetsToTxnResponse>{});
  f(ApiMessages<EndTxnRequest, EndTxnResponse>{});
  f(ApiMessages<WriteTxnMarkersRequest, WriteTxnMarkersResponse>{});
  f(ApiMessages<TxnOffsetCommitRequest, TxnOffsetCommitResponse>{});
  f(ApiMessages<DescribeAclsRequest, DescribeAclsResponse>{});
  f(ApiMessages<CreateAclsRequest, CreateAclsResponse>{});
  f(ApiMessages<DeleteAclsRequest, DeleteAclsResponse>{});
  f(ApiMessages<DescribeConfigsRequest, DescribeConfigsResponse>{});
  f(ApiMessages<AlterConfigsRequest, AlterConfigsResponse>{});
  f(ApiMessages<SaslAuthenticateRequest, SaslAuthenticateResponse>{});
  f(ApiMessages<CreatePartitionsRequest, CreatePartitionsResponse>{});
  f(ApiMessages<DeleteGroupsRequest, DeleteGroupsResponse>{});
  f(ApiMessages<IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse>{});
  f(ApiMessages<OffsetDeleteRequest, OffsetDeleteResponse>{});
  f(ApiMessages<DescribeClusterRequest, DescribeClusterResponse>{});
  f(ApiMessages<DescribeProducersRequest, DescribeProducersResponse>{});
  f(ApiMessages<DescribeTransactionsRequest, DescribeTransactionsResponse>{});
  f(ApiMessages<ListTransactionsRequest, ListTransactionsResponse>{});
}

// Calls f(ApiMessages<...>{}) for the API with `api_key`; false when no API has that key.
template <class F>
bool visit_api(int16_t api_key, F&& f) {
  bool found = false;
  for_each_api([&](auto api) {
    if (!found && static_cast<int16_t>(decltype(api)::kApi.key) == api_key) {
      found = true;
      f(api);
    }
  });
  return found;
}

}  // namespace cairn::protocol::kafka
