#pragma once

// The Cairn APIs: one list. Each entry ties an API's key to its name, the versions the broker
// speaks, and its request and response bodies. Everything else that enumerates the APIs is
// generated from this list: supported_apis() and api_name() (api.h), the broker's handler table
// (broker/cairn/), the fuzz targets. Adding an API is one entry here; the broker then fails to
// compile until it has a handler for it.

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/api.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/fetch.h"
#include "protocol/messages/group.h"
#include "protocol/messages/init_producer_id.h"
#include "protocol/messages/produce.h"
#include "protocol/messages/sasl.h"
#include "protocol/messages/security_admin.h"
#include "protocol/messages/replication.h"
#include "protocol/messages/topic_config.h"
#include "protocol/messages/transactions.h"

namespace cairn::protocol {

// An API's name as a template argument.
template <size_t N>
struct ApiName {
  constexpr ApiName(const char (&name)[N]) {
    for (size_t i = 0; i < N; ++i) chars[i] = name[i];
  }
  char chars[N]{};
};

template <ApiKey Key, ApiName Name, uint16_t MinVersion, uint16_t MaxVersion, class Req, class Resp>
struct Api {
  static constexpr ApiKey kKey = Key;
  static constexpr std::string_view kName{Name.chars, sizeof(Name.chars) - 1};
  static constexpr ApiVersionRange kVersions{static_cast<uint16_t>(Key), MinVersion, MaxVersion};
  using Request = Req;
  using Response = Resp;
};

template <class... A>
struct ApiList {
  static constexpr size_t kSize = sizeof...(A);
};

// In key order, keys 0, 1, 2, ... (checked below), so an API's key is its index.
using Apis = ApiList<
    Api<ApiKey::kApiVersions, "ApiVersions", 0, 1, ApiVersionsRequest, ApiVersionsResponse>,
    Api<ApiKey::kMetadata, "Metadata", 0, 2, MetadataRequest, MetadataResponse>,
    Api<ApiKey::kCreateTopics, "CreateTopics", 0, 0, CreateTopicsRequest, CreateTopicsResponse>,
    Api<ApiKey::kDeleteTopics, "DeleteTopics", 0, 0, DeleteTopicsRequest, DeleteTopicsResponse>,
    Api<ApiKey::kProduce, "Produce", 0, 0, ProduceRequest, ProduceResponse>,
    Api<ApiKey::kFetch, "Fetch", 0, 2, FetchRequest, FetchResponse>,
    Api<ApiKey::kListOffsets, "ListOffsets", 0, 0, ListOffsetsRequest, ListOffsetsResponse>,
    Api<ApiKey::kFindCoordinator, "FindCoordinator", 0, 0, FindCoordinatorRequest,
        FindCoordinatorResponse>,
    Api<ApiKey::kJoinGroup, "JoinGroup", 0, 0, JoinGroupRequest, JoinGroupResponse>,
    Api<ApiKey::kSyncGroup, "SyncGroup", 0, 0, SyncGroupRequest, SyncGroupResponse>,
    Api<ApiKey::kHeartbeat, "Heartbeat", 0, 0, HeartbeatRequest, HeartbeatResponse>,
    Api<ApiKey::kLeaveGroup, "LeaveGroup", 0, 0, LeaveGroupRequest, LeaveGroupResponse>,
    Api<ApiKey::kOffsetCommit, "OffsetCommit", 0, 0, OffsetCommitRequest, OffsetCommitResponse>,
    Api<ApiKey::kOffsetFetch, "OffsetFetch", 0, 0, OffsetFetchRequest, OffsetFetchResponse>,
    Api<ApiKey::kListGroups, "ListGroups", 0, 0, ListGroupsRequest, ListGroupsResponse>,
    Api<ApiKey::kDescribeGroups, "DescribeGroups", 0, 0, DescribeGroupsRequest,
        DescribeGroupsResponse>,
    Api<ApiKey::kInitProducerId, "InitProducerId", 0, 1, InitProducerIdRequest,
        InitProducerIdResponse>,
    Api<ApiKey::kDeleteGroups, "DeleteGroups", 0, 0, DeleteGroupsRequest, DeleteGroupsResponse>,
    Api<ApiKey::kTopicConfig, "TopicConfig", 0, 0, TopicConfigRequest, TopicConfigResponse>,
    Api<ApiKey::kSaslHandshake, "SaslHandshake", 0, 0, SaslHandshakeRequest, SaslHandshakeResponse>,
    Api<ApiKey::kSaslAuthenticate, "SaslAuthenticate", 0, 0, SaslAuthenticateRequest,
        SaslAuthenticateResponse>,
    Api<ApiKey::kCreateAcls, "CreateAcls", 0, 0, CreateAclsRequest, CreateAclsResponse>,
    Api<ApiKey::kDescribeAcls, "DescribeAcls", 0, 0, DescribeAclsRequest, DescribeAclsResponse>,
    Api<ApiKey::kDeleteAcls, "DeleteAcls", 0, 0, DeleteAclsRequest, DeleteAclsResponse>,
    Api<ApiKey::kAlterUserScramCredentials, "AlterUserScramCredentials", 0, 0,
        AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse>,
    Api<ApiKey::kDescribeUserScramCredentials, "DescribeUserScramCredentials", 0, 0,
        DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse>,
    Api<ApiKey::kPromote, "Promote", 0, 0, PromoteRequest, PromoteResponse>,
    Api<ApiKey::kOffsetForLeaderEpoch, "OffsetForLeaderEpoch", 0, 0, OffsetForLeaderEpochRequest,
        OffsetForLeaderEpochResponse>,
    Api<ApiKey::kAddPartitionsToTxn, "AddPartitionsToTxn", 0, 0, AddPartitionsToTxnRequest,
        AddPartitionsToTxnResponse>,
    Api<ApiKey::kAddOffsetsToTxn, "AddOffsetsToTxn", 0, 0, AddOffsetsToTxnRequest,
        AddOffsetsToTxnResponse>,
    Api<ApiKey::kTxnOffsetCommit, "TxnOffsetCommit", 0, 0, TxnOffsetCommitRequest,
        TxnOffsetCommitResponse>,
    Api<ApiKey::kEndTxn, "EndTxn", 0, 0, EndTxnRequest, EndTxnResponse>,
    Api<ApiKey::kDescribeTransactions, "DescribeTransactions", 0, 0, DescribeTransactionsRequest,
        DescribeTransactionsResponse>>;

inline constexpr size_t kApiCount = Apis::kSize;

// Calls f(A{}) for every API A of the list, in key order.
template <class F>
constexpr void for_each_api(F&& f) {
  [&]<class... A>(ApiList<A...>) { (f(A{}), ...); }(Apis{});
}

// Calls f(A{}) for the API with `api_key`; false when no API has that key.
template <class F>
bool visit_api(uint16_t api_key, F&& f) {
  bool found = false;
  for_each_api([&](auto api) {
    if (!found && static_cast<uint16_t>(decltype(api)::kKey) == api_key) {
      found = true;
      f(api);
    }
  });
  return found;
}

namespace detail {
template <class... A>
constexpr bool keys_are_indexes(ApiList<A...>) {
  size_t i = 0;
  return ((static_cast<size_t>(A::kKey) == i++) && ...);
}
}  // namespace detail
static_assert(detail::keys_are_indexes(Apis{}), "the API list must be in key order, from key 0");

}  // namespace cairn::protocol
