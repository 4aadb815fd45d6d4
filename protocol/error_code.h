#pragma once

// The wire error codes: one table, each code with its name, whether a client may retry the
// request as it is, and a sentence for humans. PROTOCOL.md ("Error codes") lists the same table.

#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::protocol {

enum class ErrorCode : int16_t {
  kNone = 0,
  kUnknownServerError = 1,
  kCorruptMessage = 2,
  kUnknownTopicOrPartition = 3,
  kInvalidRequest = 4,
  kUnsupportedVersion = 5,
  kOffsetOutOfRange = 6,
  kMessageTooLarge = 7,
  kRequestTimedOut = 8,
  kTopicAlreadyExists = 9,
  kInvalidPartitions = 10,
  kInvalidConfig = 11,
  kStorageError = 12,
  kDiskFull = 13,
  kInvalidTopicName = 14,
  kBrokerShuttingDown = 15,
  kPartitionOffline = 16,
  kInvalidRecord = 17,
  kResourceLimit = 18,
  kCoordinatorNotAvailable = 19,
  kIllegalGeneration = 20,
  kUnknownMemberId = 21,
  kRebalanceInProgress = 22,
  kInvalidGroupId = 23,
  kGroupIdNotFound = 24,
  kNonEmptyGroup = 25,
  kInvalidSessionTimeout = 26,
  kOutOfOrderSequence = 27,
  kInvalidProducerEpoch = 28,
  kSaslAuthenticationFailed = 29,
  kUnsupportedSaslMechanism = 30,
  kIllegalSaslState = 31,
  kTopicAuthorizationFailed = 32,
  kGroupAuthorizationFailed = 33,
  kClusterAuthorizationFailed = 34,
  kNotLeader = 35,
  kNotEnoughReplicas = 36,
  kFencedLeaderEpoch = 37,
  kInvalidTxnState = 38,
  kInvalidProducerIdMapping = 39,
  kInvalidTransactionTimeout = 40,
  kConcurrentTransactions = 41,
  kTransactionalIdAuthorizationFailed = 42,
  kProducerFenced = 43,
  kTransactionAbortable = 44,
  kUnstableOffsetCommit = 45,
  kTransactionCoordinatorFenced = 46,
  kCoordinatorLoadInProgress = 47,
  kInconsistentGroupProtocol = 48,
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;
  bool retriable;
  std::string_view text;
};

// The table entry for `code`; an unknown code gets a generic entry (not retriable).
const ErrorInfo& error_info(ErrorCode code);
// Every code, in order of its number.
std::span<const ErrorInfo> error_table();
inline std::string_view error_name(ErrorCode code) { return error_info(code).name; }
inline bool is_retriable(ErrorCode code) { return error_info(code).retriable; }

}  // namespace cairn::protocol
