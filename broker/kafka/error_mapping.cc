#include "broker/kafka/error_mapping.h"

namespace cairn::broker::kafka {

using protocol::ErrorCode;
using K = protocol::kafka::ErrorCode;

K kafka_error(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNone: return K::kNone;
    case ErrorCode::kUnknownServerError: return K::kUnknownServerError;
    case ErrorCode::kCorruptMessage: return K::kCorruptMessage;
    case ErrorCode::kUnknownTopicOrPartition: return K::kUnknownTopicOrPartition;
    case ErrorCode::kInvalidRequest: return K::kInvalidRequest;
    case ErrorCode::kUnsupportedVersion: return K::kUnsupportedVersion;
    case ErrorCode::kOffsetOutOfRange: return K::kOffsetOutOfRange;
    case ErrorCode::kMessageTooLarge: return K::kMessageTooLarge;
    case ErrorCode::kRequestTimedOut: return K::kRequestTimedOut;
    case ErrorCode::kTopicAlreadyExists: return K::kTopicAlreadyExists;
    case ErrorCode::kInvalidPartitions: return K::kInvalidPartitions;
    case ErrorCode::kInvalidConfig: return K::kInvalidConfig;
    case ErrorCode::kStorageError:
    case ErrorCode::kDiskFull: return K::kKafkaStorageError;
    case ErrorCode::kInvalidTopicName: return K::kInvalidTopicException;
    // Retriable after a metadata refresh, which is what a client of a stopping broker should do.
    case ErrorCode::kBrokerShuttingDown: return K::kNotLeaderOrFollower;
    case ErrorCode::kPartitionOffline: return K::kLeaderNotAvailable;
    case ErrorCode::kInvalidRecord: return K::kInvalidRecord;
    // Kafka has no code for a broker out of request memory; this one is retriable.
    case ErrorCode::kResourceLimit: return K::kRequestTimedOut;
    case ErrorCode::kCoordinatorNotAvailable: return K::kCoordinatorNotAvailable;
    case ErrorCode::kIllegalGeneration: return K::kIllegalGeneration;
    case ErrorCode::kUnknownMemberId: return K::kUnknownMemberId;
    case ErrorCode::kRebalanceInProgress: return K::kRebalanceInProgress;
    case ErrorCode::kInvalidGroupId: return K::kInvalidGroupId;
    case ErrorCode::kGroupIdNotFound: return K::kGroupIdNotFound;
    case ErrorCode::kNonEmptyGroup: return K::kNonEmptyGroup;
    case ErrorCode::kInvalidSessionTimeout: return K::kInvalidSessionTimeout;
    case ErrorCode::kOutOfOrderSequence: return K::kOutOfOrderSequenceNumber;
    case ErrorCode::kInvalidProducerEpoch: return K::kInvalidProducerEpoch;
    case ErrorCode::kSaslAuthenticationFailed: return K::kSaslAuthenticationFailed;
    case ErrorCode::kUnsupportedSaslMechanism: return K::kUnsupportedSaslMechanism;
    case ErrorCode::kIllegalSaslState: return K::kIllegalSaslState;
    case ErrorCode::kTopicAuthorizationFailed: return K::kTopicAuthorizationFailed;
    case ErrorCode::kGroupAuthorizationFailed: return K::kGroupAuthorizationFailed;
    case ErrorCode::kClusterAuthorizationFailed: return K::kClusterAuthorizationFailed;
    case ErrorCode::kNotLeader: return K::kNotLeaderOrFollower;
    case ErrorCode::kNotEnoughReplicas: return K::kNotEnoughReplicas;
    case ErrorCode::kFencedLeaderEpoch: return K::kFencedLeaderEpoch;
    case ErrorCode::kInvalidTxnState: return K::kInvalidTxnState;
    case ErrorCode::kInvalidProducerIdMapping: return K::kInvalidProducerIdMapping;
    case ErrorCode::kInvalidTransactionTimeout: return K::kInvalidTransactionTimeout;
    case ErrorCode::kConcurrentTransactions: return K::kConcurrentTransactions;
    case ErrorCode::kTransactionalIdAuthorizationFailed:
      return K::kTransactionalIdAuthorizationFailed;
    case ErrorCode::kProducerFenced: return K::kProducerFenced;
    case ErrorCode::kTransactionAbortable: return K::kTransactionAbortable;
    case ErrorCode::kUnstableOffsetCommit: return K::kUnstableOffsetCommit;
    case ErrorCode::kTransactionCoordinatorFenced: return K::kTransactionCoordinatorFenced;
    case ErrorCode::kCoordinatorLoadInProgress: return K::kCoordinatorLoadInProgress;
    case ErrorCode::kInconsistentGroupProtocol: return K::kInconsistentGroupProtocol;
  }
  return K::kUnknownServerError;
}

}  // namespace cairn::broker::kafka
