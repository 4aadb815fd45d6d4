#include "broker/error_mapping.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// The rules every subject shares.
ErrorCode common(const Status& status) {
  switch (status.code()) {
    case Status::Code::kOk: return ErrorCode::kNone;
    case Status::Code::kNotFound: return ErrorCode::kUnknownTopicOrPartition;
    case Status::Code::kCorruption: return ErrorCode::kCorruptMessage;
    case Status::Code::kInvalidArgument: return ErrorCode::kInvalidRecord;
    case Status::Code::kIoError: return ErrorCode::kStorageError;
    case Status::Code::kNoSpace: return ErrorCode::kDiskFull;
    case Status::Code::kTimedOut: return ErrorCode::kRequestTimedOut;
    case Status::Code::kUnavailable: return ErrorCode::kStorageError;
    case Status::Code::kOutOfRange: return ErrorCode::kOffsetOutOfRange;
    case Status::Code::kOutOfOrder: return ErrorCode::kOutOfOrderSequence;
    case Status::Code::kFenced: return ErrorCode::kInvalidProducerEpoch;
  }
  return ErrorCode::kUnknownServerError;
}

}  // namespace

ErrorCode to_error_code(const Status& status, ErrorSubject subject) {
  if (status.is_ok()) return ErrorCode::kNone;
  const Status::Code code = status.code();
  switch (subject) {
    case ErrorSubject::kRecords: break;
    case ErrorSubject::kPartition:
      if (code == Status::Code::kUnavailable) return ErrorCode::kPartitionOffline;
      break;
    case ErrorSubject::kPartitionWrites: return ErrorCode::kStorageError;
    case ErrorSubject::kTopic:
      if (code == Status::Code::kInvalidArgument) return ErrorCode::kInvalidConfig;
      break;
    case ErrorSubject::kPartitionCount:
      if (code == Status::Code::kInvalidArgument) return ErrorCode::kInvalidPartitions;
      break;
    case ErrorSubject::kProducerId: return ErrorCode::kStorageError;
    case ErrorSubject::kGroupCommit: return ErrorCode::kCoordinatorNotAvailable;
  }
  return common(status);
}

}  // namespace cairn::broker
