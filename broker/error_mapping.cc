#include "broker/error_mapping.h"

namespace cairn::broker {

using protocol::ErrorCode;

ErrorCode to_error_code(const Status& status) {
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

}  // namespace cairn::broker
