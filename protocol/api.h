#pragma once

// The Cairn APIs by key, with the versions this build speaks and their names (PROTOCOL.md,
// "APIs"). The list itself, which ties each key to its versions, name and bodies, is
// protocol/apis.h; everything here is generated from it.

#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::protocol {

enum class ApiKey : uint16_t {
  kApiVersions = 0,
  kMetadata = 1,
  kCreateTopics = 2,
  kDeleteTopics = 3,
  kProduce = 4,
  kFetch = 5,
  kListOffsets = 6,
  kFindCoordinator = 7,
  kJoinGroup = 8,
  kSyncGroup = 9,
  kHeartbeat = 10,
  kLeaveGroup = 11,
  kOffsetCommit = 12,
  kOffsetFetch = 13,
  kListGroups = 14,
  kDescribeGroups = 15,
  kInitProducerId = 16,
  kDeleteGroups = 17,
  kTopicConfig = 18,
  kSaslHandshake = 19,
  kSaslAuthenticate = 20,
  kCreateAcls = 21,
  kDescribeAcls = 22,
  kDeleteAcls = 23,
  kAlterUserScramCredentials = 24,
  kDescribeUserScramCredentials = 25,
  kPromote = 26,
  kOffsetForLeaderEpoch = 27,
  kAddPartitionsToTxn = 28,
  kAddOffsetsToTxn = 29,
  kTxnOffsetCommit = 30,
  kEndTxn = 31,
  kDescribeTransactions = 32,
};

struct ApiVersionRange {
  uint16_t api_key;
  uint16_t min_version;
  uint16_t max_version;
};

// Every API this build speaks, with its versions, in key order.
std::span<const ApiVersionRange> supported_apis();
// nullptr for a key no API has.
const ApiVersionRange* find_api(uint16_t api_key);
// "unknown" for a key no API has.
std::string_view api_name(uint16_t api_key);

}  // namespace cairn::protocol
