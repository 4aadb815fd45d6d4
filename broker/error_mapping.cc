#include "broker/error_mapping.h"

namespace cairn::broker {

using protocol::ErrorCode;

ErrorCode to_error_code(const Status& status, ErrorSubject subject) {
  switch (status.code()) {
    case Status::Code::kOk: return ErrorCode::kNone;
    case Status::Code::kNotFound: return ErrorCode::kUnknownTopicOrPartition;
    // Only a checksum that does not match its bytes is corruption: the bytes may have been
    // damaged on the way, so the client may send them again. Everything else a batch can get
    // wrong was built that way (kInvalidArgument).
    case Status::Code::kCorruption: return ErrorCode::kCorruptMessage;
    case Status::Code::kInvalidArgument:
      return subject == ErrorSubject::kTopic ? ErrorCode::kInvalidConfig : ErrorCode::kInvalidRecord;
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
