#pragma once

// The Kafka APIs this codec speaks: key, name, the versions it encodes and decodes, the first
// flexible version (compact encodings, tagged fields, request header v2), and the lowest
// version to advertise in ApiVersions. Ranges follow Kafka 4.x's message schemas (releases 4.0
// to 4.3) without versions marked unstable there.

#include <array>
#include <cstdint>
#include <string_view>

#include "protocol/kafka/schema.h"

namespace cairn::protocol::kafka {

enum class ApiKey : int16_t {
  kProduce = 0,
  kFetch = 1,
  kListOffsets = 2,
  kMetadata = 3,
  kOffsetCommit = 8,
  kOffsetFetch = 9,
  kFindCoordinator = 10,
  kJoinGroup = 11,
  kHeartbeat = 12,
  kLeaveGroup = 13,
  kSyncGroup = 14,
  kDescribeGroups = 15,
  kListGroups = 16,
  kSaslHandshake = 17,
  kApiVersions = 18,
  kCreateTopics = 19,
  kDeleteTopics = 20,
  kDeleteRecords = 21,
  kInitProducerId = 22,
  kOffsetForLeaderEpoch = 23,
  kAddPartitionsToTxn = 24,
  kAddOffsetsToTxn = 25,
  kEndTxn = 26,
  kWriteTxnMarkers = 27,
  kTxnOffsetCommit = 28,
  kDescribeAcls = 29,
  kCreateAcls = 30,
  kDeleteAcls = 31,
  kDescribeConfigs = 32,
  kAlterConfigs = 33,
  kSaslAuthenticate = 36,
  kCreatePartitions = 37,
  kDeleteGroups = 42,
  kIncrementalAlterConfigs = 44,
  kOffsetDelete = 47,
  kDescribeCluster = 60,
  kDescribeProducers = 61,
  kDescribeTransactions = 65,
  kListTransactions = 66,
};

struct ApiSpec {
  ApiKey key;
  std::string_view name;
  Versions valid;          // what the codec encodes and decodes
  int16_t flexible_from;   // kMaxVersion when no version is flexible
  int16_t advertised_min;  // the lowest version ApiVersions should list (<= valid.lo)

  // Also answers for versions past valid.hi: a newer client's request header is read by this
  // rule before the version is refused.
  constexpr bool is_flexible(int16_t version) const { return version >= flexible_from; }
};

inline constexpr int16_t kNotFlexible = kMaxVersion;

// Produce versions 0-2 (message format v0/v1) are advertised but refused: librdkafka before
// 2.11.1 turns compression off unless the broker's Produce range includes version 0.
inline constexpr ApiSpec kProduceApi{ApiKey::kProduce, "Produce", {3, 13}, 9, 0};
inline constexpr ApiSpec kFetchApi{ApiKey::kFetch, "Fetch", {4, 18}, 12, 4};
inline constexpr ApiSpec kListOffsetsApi{ApiKey::kListOffsets, "ListOffsets", {1, 11}, 6, 1};
inline constexpr ApiSpec kMetadataApi{ApiKey::kMetadata, "Metadata", {0, 13}, 9, 0};
inline constexpr ApiSpec kOffsetCommitApi{ApiKey::kOffsetCommit, "OffsetCommit", {2, 10}, 8, 2};
inline constexpr ApiSpec kOffsetFetchApi{ApiKey::kOffsetFetch, "OffsetFetch", {1, 10}, 6, 1};
inline constexpr ApiSpec kFindCoordinatorApi{ApiKey::kFindCoordinator, "FindCoordinator",
                                             {0, 6}, 3, 0};
inline constexpr ApiSpec kJoinGroupApi{ApiKey::kJoinGroup, "JoinGroup", {0, 9}, 6, 0};
inline constexpr ApiSpec kHeartbeatApi{ApiKey::kHeartbeat, "Heartbeat", {0, 4}, 4, 0};
inline constexpr ApiSpec kLeaveGroupApi{ApiKey::kLeaveGroup, "LeaveGroup", {0, 5}, 4, 0};
inline constexpr ApiSpec kSyncGroupApi{ApiKey::kSyncGroup, "SyncGroup", {0, 5}, 4, 0};
inline constexpr ApiSpec kDescribeGroupsApi{ApiKey::kDescribeGroups, "DescribeGroups", {0, 6},
                                            5, 0};
inline constexpr ApiSpec kListGroupsApi{ApiKey::kListGroups, "ListGroups", {0, 5}, 3, 0};
inline constexpr ApiSpec kSaslHandshakeApi{ApiKey::kSaslHandshake, "SaslHandshake", {0, 1},
                                           kNotFlexible, 0};
inline constexpr ApiSpec kApiVersionsApi{ApiKey::kApiVersions, "ApiVersions", {0, 4}, 3, 0};
inline constexpr ApiSpec kCreateTopicsApi{ApiKey::kCreateTopics, "CreateTopics", {2, 7}, 5, 2};
inline constexpr ApiSpec kDeleteTopicsApi{ApiKey::kDeleteTopics, "DeleteTopics", {1, 6}, 4, 1};
inline constexpr ApiSpec kDeleteRecordsApi{ApiKey::kDeleteRecords, "DeleteRecords", {0, 2}, 2, 0};
inline constexpr ApiSpec kInitProducerIdApi{ApiKey::kInitProducerId, "InitProducerId", {0, 5},
                                            2, 0};
inline constexpr ApiSpec kOffsetForLeaderEpochApi{ApiKey::kOffsetForLeaderEpoch,
                                                  "OffsetForLeaderEpoch", {2, 4}, 4, 2};
inline constexpr ApiSpec kAddPartitionsToTxnApi{ApiKey::kAddPartitionsToTxn,
                                                "AddPartitionsToTxn", {0, 5}, 3, 0};
inline constexpr ApiSpec kAddOffsetsToTxnApi{ApiKey::kAddOffsetsToTxn, "AddOffsetsToTxn", {0, 4},
                                             3, 0};
inline constexpr ApiSpec kEndTxnApi{ApiKey::kEndTxn, "EndTxn", {0, 5}, 3, 0};
inline constexpr ApiSpec kWriteTxnMarkersApi{ApiKey::kWriteTxnMarkers, "WriteTxnMarkers", {1, 2},
                                             1, 1};
inline constexpr ApiSpec kTxnOffsetCommitApi{ApiKey::kTxnOffsetCommit, "TxnOffsetCommit", {0, 5},
                                             3, 0};
inline constexpr ApiSpec kDescribeAclsApi{ApiKey::kDescribeAcls, "DescribeAcls", {1, 3}, 2, 1};
inline constexpr ApiSpec kCreateAclsApi{ApiKey::kCreateAcls, "CreateAcls", {1, 3}, 2, 1};
inline constexpr ApiSpec kDeleteAclsApi{ApiKey::kDeleteAcls, "DeleteAcls", {1, 3}, 2, 1};
inline constexpr ApiSpec kDescribeConfigsApi{ApiKey::kDescribeConfigs, "DescribeConfigs", {1, 4},
                                             4, 1};
inline constexpr ApiSpec kAlterConfigsApi{ApiKey::kAlterConfigs, "AlterConfigs", {0, 2}, 2, 0};
inline constexpr ApiSpec kSaslAuthenticateApi{ApiKey::kSaslAuthenticate, "SaslAuthenticate",
                                              {0, 2}, 2, 0};
inline constexpr ApiSpec kCreatePartitionsApi{ApiKey::kCreatePartitions, "CreatePartitions",
                                              {0, 3}, 2, 0};
inline constexpr ApiSpec kDeleteGroupsApi{ApiKey::kDeleteGroups, "DeleteGroups", {0, 2}, 2, 0};
inline constexpr ApiSpec kIncrementalAlterConfigsApi{ApiKey::kIncrementalAlterConfigs,
                                                     "IncrementalAlterConfigs", {0, 1}, 1, 0};
inline constexpr ApiSpec kOffsetDeleteApi{ApiKey::kOffsetDelete, "OffsetDelete", {0, 0},
                                          kNotFlexible, 0};
inline constexpr ApiSpec kDescribeClusterApi{ApiKey::kDescribeCluster, "DescribeCluster", {0, 2},
                                             0, 0};
inline constexpr ApiSpec kDescribeProducersApi{ApiKey::kDescribeProducers, "DescribeProducers",
                                               {0, 0}, 0, 0};
inline constexpr ApiSpec kDescribeTransactionsApi{ApiKey::kDescribeTransactions,
                                                  "DescribeTransactions", {0, 0}, 0, 0};
inline constexpr ApiSpec kListTransactionsApi{ApiKey::kListTransactions, "ListTransactions",
                                              {0, 2}, 0, 0};

// Every API above, by key.
inline constexpr std::array<const ApiSpec*, 39> kApis = {
    &kProduceApi, &kFetchApi, &kListOffsetsApi, &kMetadataApi, &kOffsetCommitApi,
    &kOffsetFetchApi, &kFindCoordinatorApi, &kJoinGroupApi, &kHeartbeatApi, &kLeaveGroupApi,
    &kSyncGroupApi, &kDescribeGroupsApi, &kListGroupsApi, &kSaslHandshakeApi, &kApiVersionsApi,
    &kCreateTopicsApi, &kDeleteTopicsApi, &kDeleteRecordsApi, &kInitProducerIdApi,
    &kOffsetForLeaderEpochApi, &kAddPartitionsToTxnApi, &kAddOffsetsToTxnApi, &kEndTxnApi,
    &kWriteTxnMarkersApi, &kTxnOffsetCommitApi, &kDescribeAclsApi, &kCreateAclsApi,
    &kDeleteAclsApi, &kDescribeConfigsApi, &kAlterConfigsApi, &kSaslAuthenticateApi,
    &kCreatePartitionsApi, &kDeleteGroupsApi, &kIncrementalAlterConfigsApi, &kOffsetDeleteApi,
    &kDescribeClusterApi, &kDescribeProducersApi, &kDescribeTransactionsApi,
    &kListTransactionsApi,
};

// The table entry for `api_key`, or nullptr for a key this codec does not know.
const ApiSpec* find_api(int16_t api_key);

// Request header version for a request of `api` at `version`: 2 when flexible, else 1.
int request_header_version(const ApiSpec& api, int16_t version);
// Response header version: 1 when flexible, else 0; ApiVersions always answers with 0, so a
// client can read the answer whatever version it asked for.
int response_header_version(const ApiSpec& api, int16_t version);

}  // namespace cairn::protocol::kafka
