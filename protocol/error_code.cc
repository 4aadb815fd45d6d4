#include "protocol/error_code.h"

#include <array>

namespace cairn::protocol {

namespace {

constexpr std::array kTable = {
    ErrorInfo{ErrorCode::kNone, "NONE", false, "no error"},
    ErrorInfo{ErrorCode::kUnknownServerError, "UNKNOWN_SERVER_ERROR", false,
              "the broker failed in an unexpected way; see its log"},
    ErrorInfo{ErrorCode::kCorruptMessage, "CORRUPT_MESSAGE", true,
              "a record batch's checksum does not match its bytes: they were damaged on the way, "
              "so sending the batch again may succeed"},
    ErrorInfo{ErrorCode::kUnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true,
              "the topic or partition does not exist (yet) on this broker"},
    ErrorInfo{ErrorCode::kInvalidRequest, "INVALID_REQUEST", false,
              "the request is malformed or breaks a protocol rule"},
    ErrorInfo{ErrorCode::kUnsupportedVersion, "UNSUPPORTED_VERSION", false,
              "the broker does not support this API or API version"},
    ErrorInfo{ErrorCode::kOffsetOutOfRange, "OFFSET_OUT_OF_RANGE", false,
              "the offset is before the log start or past the log end"},
    ErrorInfo{ErrorCode::kMessageTooLarge, "MESSAGE_TOO_LARGE", false,
              "a record batch is larger than the broker's max batch bytes"},
    ErrorInfo{ErrorCode::kRequestTimedOut, "REQUEST_TIMED_OUT", true,
              "the request did not complete within its timeout"},
    ErrorInfo{ErrorCode::kTopicAlreadyExists, "TOPIC_ALREADY_EXISTS", false,
              "a topic with this name already exists"},
    ErrorInfo{ErrorCode::kInvalidPartitions, "INVALID_PARTITIONS", false,
              "the partition count is out of range (1 to 10,000)"},
    ErrorInfo{ErrorCode::kInvalidConfig, "INVALID_CONFIG", false,
              "a topic or request setting is out of range"},
    ErrorInfo{ErrorCode::kStorageError, "STORAGE_ERROR", true,
              "the broker's disk failed an operation for this partition"},
    ErrorInfo{ErrorCode::kDiskFull, "DISK_FULL", true,
              "the broker's disk is full; retry once space is freed"},
    ErrorInfo{ErrorCode::kInvalidTopicName, "INVALID_TOPIC_NAME", false,
              "names are 1 to 200 characters of [a-zA-Z0-9._-], not . or ..; names starting "
              "with __ are reserved for the broker's own topics"},
    ErrorInfo{ErrorCode::kBrokerShuttingDown, "BROKER_SHUTTING_DOWN", true,
              "the broker is stopping; retry once it is back"},
    ErrorInfo{ErrorCode::kPartitionOffline, "PARTITION_OFFLINE", false,
              "the partition's log is corrupt and needs an operator"},
    ErrorInfo{ErrorCode::kInvalidRecord, "INVALID_RECORD", false,
              "a record batch breaks a rule of its format (structure, timestamps, offsets, "
              "attributes, compression): it was built wrong and can never be stored"},
    ErrorInfo{ErrorCode::kResourceLimit, "RESOURCE_LIMIT", false,
              "the request breaks a broker limit (in-flight requests)"},
    ErrorInfo{ErrorCode::kCoordinatorNotAvailable, "COORDINATOR_NOT_AVAILABLE", true,
              "the group coordinator cannot serve now (offsets log offline, broker stopping)"},
    ErrorInfo{ErrorCode::kIllegalGeneration, "ILLEGAL_GENERATION", false,
              "the group has moved to another generation; rejoin"},
    ErrorInfo{ErrorCode::kUnknownMemberId, "UNKNOWN_MEMBER_ID", false,
              "the group does not know this member (left or timed out); rejoin"},
    ErrorInfo{ErrorCode::kRebalanceInProgress, "REBALANCE_IN_PROGRESS", false,
              "the group is rebalancing; give up your partitions and rejoin"},
    ErrorInfo{ErrorCode::kInvalidGroupId, "INVALID_GROUP_ID", false,
              "group ids are 1 to 200 characters"},
    ErrorInfo{ErrorCode::kGroupIdNotFound, "GROUP_ID_NOT_FOUND", false, "no such group"},
    ErrorInfo{ErrorCode::kNonEmptyGroup, "NON_EMPTY_GROUP", false,
              "the group has members; this needs an empty group"},
    ErrorInfo{ErrorCode::kInvalidSessionTimeout, "INVALID_SESSION_TIMEOUT", false,
              "the session timeout is outside the broker's bounds (100 ms to 300 s)"},
    ErrorInfo{ErrorCode::kOutOfOrderSequence, "OUT_OF_ORDER_SEQUENCE", false,
              "a batch's sequence leaves a gap after the producer's last one"},
    ErrorInfo{ErrorCode::kInvalidProducerEpoch, "INVALID_PRODUCER_EPOCH", false,
              "a newer instance of this producer exists; this one is fenced"},
    ErrorInfo{ErrorCode::kSaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", false,
              "authentication failed: unknown user, wrong password or a broken exchange"},
    ErrorInfo{ErrorCode::kUnsupportedSaslMechanism, "UNSUPPORTED_SASL_MECHANISM", false,
              "the broker does not offer this SASL mechanism on this connection"},
    ErrorInfo{ErrorCode::kIllegalSaslState, "ILLEGAL_SASL_STATE", false,
              "a request out of turn in the authentication exchange"},
    ErrorInfo{ErrorCode::kTopicAuthorizationFailed, "TOPIC_AUTHORIZATION_FAILED", false,
              "the principal may not perform this operation on the topic"},
    ErrorInfo{ErrorCode::kGroupAuthorizationFailed, "GROUP_AUTHORIZATION_FAILED", false,
              "the principal may not perform this operation on the group"},
    ErrorInfo{ErrorCode::kClusterAuthorizationFailed, "CLUSTER_AUTHORIZATION_FAILED", false,
              "the principal may not perform this operation on the cluster"},
    ErrorInfo{
        ErrorCode::kNotLeader, "NOT_LEADER", true,
        "this broker follows another (a replica) and takes no writes; send them to the leader"},
    ErrorInfo{
        ErrorCode::kNotEnoughReplicas, "NOT_ENOUGH_REPLICAS", true,
        "acks=all: fewer replicas are in sync than the broker's minimum (--min-insync-replicas)"},
    ErrorInfo{
        ErrorCode::kFencedLeaderEpoch, "FENCED_LEADER_EPOCH", false,
        "a leader epoch in the exchange is older than the other side's: one of the two is a former "
        "leader"},
    ErrorInfo{ErrorCode::kInvalidTxnState, "INVALID_TXN_STATE", false,
              "the request does not fit the transaction's state (a commit with no transaction "
              "open, a produce into a partition not added to it)"},
    ErrorInfo{ErrorCode::kInvalidProducerIdMapping, "INVALID_PRODUCER_ID_MAPPING", false,
              "the producer id is not the one the coordinator holds for this transactional id; "
              "call InitProducerId"},
    ErrorInfo{ErrorCode::kInvalidTransactionTimeout, "INVALID_TRANSACTION_TIMEOUT", false,
              "the transaction timeout is outside the broker's bounds (1 ms to "
              "--transaction-max-timeout-ms)"},
    ErrorInfo{ErrorCode::kConcurrentTransactions, "CONCURRENT_TRANSACTIONS", true,
              "the producer's previous transaction is still being completed; retry shortly"},
    ErrorInfo{ErrorCode::kTransactionalIdAuthorizationFailed,
              "TRANSACTIONAL_ID_AUTHORIZATION_FAILED", false,
              "the principal may not use this transactional id"},
    ErrorInfo{ErrorCode::kProducerFenced, "PRODUCER_FENCED", false,
              "a newer instance with the same transactional id has a higher epoch; this one is "
              "fenced and must close"},
    ErrorInfo{ErrorCode::kTransactionAbortable, "TRANSACTION_ABORTABLE", false,
              "the open transaction cannot commit (it timed out or lost a write); abort it and "
              "begin a new one"},
    ErrorInfo{ErrorCode::kUnstableOffsetCommit, "UNSTABLE_OFFSET_COMMIT", true,
              "a transaction holding offsets for this partition is still open; retry once it "
              "completes"},
    ErrorInfo{ErrorCode::kTransactionCoordinatorFenced, "TRANSACTION_COORDINATOR_FENCED", false,
              "a transaction marker came from a coordinator older than the partition's last "
              "one: a former leader"},
    ErrorInfo{ErrorCode::kCoordinatorLoadInProgress, "COORDINATOR_LOAD_IN_PROGRESS", true,
              "the coordinator is replaying its log after a start; retry shortly"},
    ErrorInfo{ErrorCode::kInconsistentGroupProtocol, "INCONSISTENT_GROUP_PROTOCOL", false,
              "the member's protocol type, or every protocol it offers, differs from the group's "
              "members'"},
};

constexpr ErrorInfo kUnknown{ErrorCode::kUnknownServerError, "UNKNOWN_ERROR_CODE", false,
                             "an error code this client does not know"};

}  // namespace

std::span<const ErrorInfo> error_table() { return kTable; }

const ErrorInfo& error_info(ErrorCode code) {
  auto i = static_cast<size_t>(static_cast<int16_t>(code));
  if (i < kTable.size() && kTable[i].code == code) return kTable[i];
  return kUnknown;
}

}  // namespace cairn::protocol
