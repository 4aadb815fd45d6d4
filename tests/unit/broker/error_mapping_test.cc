// The Status -> wire error code rules, subject by subject (PROTOCOL.md, "Error codes").
#include "broker/error_mapping.h"

#include <gtest/gtest.h>

namespace cairn::broker {
namespace {

using protocol::ErrorCode;
using Code = Status::Code;

Status of(Code code) {
  switch (code) {
    case Code::kOk: return Status::ok();
    case Code::kNotFound: return Status::not_found("x");
    case Code::kCorruption: return Status::corruption("x");
    case Code::kInvalidArgument: return Status::invalid_argument("x");
    case Code::kIoError: return Status::io_error("x");
    case Code::kNoSpace: return Status::no_space("x");
    case Code::kTimedOut: return Status::timed_out("x");
    case Code::kUnavailable: return Status::unavailable("x");
    case Code::kOutOfRange: return Status::out_of_range("x");
    case Code::kOutOfOrder: return Status::out_of_order("x");
    case Code::kFenced: return Status::fenced("x");
  }
  return Status::ok();
}

constexpr Code kEveryCode[] = {Code::kOk,          Code::kNotFound,   Code::kCorruption,
                               Code::kInvalidArgument, Code::kIoError, Code::kNoSpace,
                               Code::kTimedOut,    Code::kUnavailable, Code::kOutOfRange,
                               Code::kOutOfOrder,  Code::kFenced};

TEST(ErrorMapping, RecordsFollowTheProtocolsThreeRecordErrorsAndTheDisk) {
  EXPECT_EQ(to_error_code(of(Code::kOk)), ErrorCode::kNone);
  EXPECT_EQ(to_error_code(of(Code::kCorruption)), ErrorCode::kCorruptMessage);
  EXPECT_EQ(to_error_code(of(Code::kInvalidArgument)), ErrorCode::kInvalidRecord);
  EXPECT_EQ(to_error_code(of(Code::kNotFound)), ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(to_error_code(of(Code::kIoError)), ErrorCode::kStorageError);
  EXPECT_EQ(to_error_code(of(Code::kUnavailable)), ErrorCode::kStorageError);
  EXPECT_EQ(to_error_code(of(Code::kNoSpace)), ErrorCode::kDiskFull);
  EXPECT_EQ(to_error_code(of(Code::kTimedOut)), ErrorCode::kRequestTimedOut);
  EXPECT_EQ(to_error_code(of(Code::kOutOfRange)), ErrorCode::kOffsetOutOfRange);
  EXPECT_EQ(to_error_code(of(Code::kOutOfOrder)), ErrorCode::kOutOfOrderSequence);
  EXPECT_EQ(to_error_code(of(Code::kFenced)), ErrorCode::kInvalidProducerEpoch);
}

TEST(ErrorMapping, APartitionThatIsMissingIsUnknownAndOneThatIsUnavailableIsOffline) {
  EXPECT_EQ(to_error_code(of(Code::kNotFound), ErrorSubject::kPartition),
            ErrorCode::kUnknownTopicOrPartition);
  EXPECT_EQ(to_error_code(of(Code::kUnavailable), ErrorSubject::kPartition),
            ErrorCode::kPartitionOffline);
}

TEST(ErrorMapping, ATopicsSettingOutOfRangeIsInvalidConfigAndItsPartitionCountInvalidPartitions) {
  EXPECT_EQ(to_error_code(of(Code::kInvalidArgument), ErrorSubject::kTopic),
            ErrorCode::kInvalidConfig);
  EXPECT_EQ(to_error_code(of(Code::kInvalidArgument), ErrorSubject::kPartitionCount),
            ErrorCode::kInvalidPartitions);
  // The topic's files: the disk's errors as for records.
  EXPECT_EQ(to_error_code(of(Code::kNoSpace), ErrorSubject::kTopic), ErrorCode::kDiskFull);
  EXPECT_EQ(to_error_code(of(Code::kIoError), ErrorSubject::kTopic), ErrorCode::kStorageError);
}

TEST(ErrorMapping, EveryFailureOfTheseSubjectsHasOneAnswer) {
  for (Code code : kEveryCode) {
    if (code == Code::kOk) continue;
    SCOPED_TRACE(of(code).to_string());
    EXPECT_EQ(to_error_code(of(code), ErrorSubject::kPartitionWrites), ErrorCode::kStorageError);
    EXPECT_EQ(to_error_code(of(code), ErrorSubject::kProducerId), ErrorCode::kStorageError);
    EXPECT_EQ(to_error_code(of(code), ErrorSubject::kGroupCommit),
              ErrorCode::kCoordinatorNotAvailable);
  }
}

TEST(ErrorMapping, SuccessIsNoneWhateverTheSubject) {
  for (auto subject :
       {ErrorSubject::kRecords, ErrorSubject::kPartition, ErrorSubject::kPartitionWrites,
        ErrorSubject::kTopic, ErrorSubject::kPartitionCount, ErrorSubject::kProducerId,
        ErrorSubject::kGroupCommit}) {
    EXPECT_EQ(to_error_code(Status::ok(), subject), ErrorCode::kNone);
  }
}

TEST(ErrorMapping, EveryCodeMapsToAnErrorTheTableKnows) {
  for (Code code : kEveryCode) {
    ErrorCode e = to_error_code(of(code));
    EXPECT_EQ(protocol::error_info(e).code, e) << of(code).to_string();
  }
}

}  // namespace
}  // namespace cairn::broker
