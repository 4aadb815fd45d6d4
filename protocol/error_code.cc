#include "protocol/error_code.h"

#include <array>

namespace cairn::protocol {

namespace {

constexpr std::array kTable = {
    ErrorInfo{ErrorCode::kNone, "NONE", false, "no error"},
    ErrorInfo{ErrorCode::kUnknownServerError, "UNKNOWN_SERVER_ERROR", false,
              "the broker failed in an unexpected way; see its log"},
    ErrorInfo{ErrorCode::kCorruptMessage, "CORRUPT_MESSAGE", true,
              "a record batch failed its checksum or structure checks"},
    ErrorInfo{ErrorCode::kUnknownTopicOrPartition, "UNKNOWN_TOPIC_OR_PARTITION", true,
              "the topic or partition does not exist on this broker"},
    ErrorInfo{ErrorCode::kInvalidRequest, "INVALID_REQUEST", false,
              "the request is malformed or breaks a protocol rule"},
    ErrorInfo{ErrorCode::kUnsupportedVersion, "UNSUPPORTED_VERSION", false,
              "the broker does not support this API or API version"},
    ErrorInfo{ErrorCode::kOffsetOutOfRange, "OFFSET_OUT_OF_RANGE", false,
              "the offset is before the log start or past the log end"},
    ErrorInfo{ErrorCode::kMessageTooLarge, "MESSAGE_TOO_LARGE", false,
              "a batch or request is larger than the broker accepts"},
    ErrorInfo{ErrorCode::kRequestTimedOut, "REQUEST_TIMED_OUT", true,
              "the request did not complete within its timeout"},
    ErrorInfo{ErrorCode::kTopicAlreadyExists, "TOPIC_ALREADY_EXISTS", false,
              "a topic with this name already exists"},
    ErrorInfo{ErrorCode::kInvalidPartitions, "INVALID_PARTITIONS", false,
              "the partition count is out of range"},
    ErrorInfo{ErrorCode::kInvalidConfig, "INVALID_CONFIG", false,
              "a topic or request setting is out of range"},
    ErrorInfo{ErrorCode::kStorageError, "STORAGE_ERROR", true,
              "the broker's disk failed an operation for this partition"},
    ErrorInfo{ErrorCode::kDiskFull, "DISK_FULL", true,
              "the broker's disk is full; retry once space is freed"},
    ErrorInfo{ErrorCode::kInvalidTopicName, "INVALID_TOPIC_NAME", false,
              "topic names are 1 to 200 characters of [a-zA-Z0-9._-], not . or .."},
    ErrorInfo{ErrorCode::kBrokerShuttingDown, "BROKER_SHUTTING_DOWN", true,
              "the broker is stopping; retry against it once it is back"},
    ErrorInfo{ErrorCode::kPartitionOffline, "PARTITION_OFFLINE", false,
              "the partition's log is corrupt and needs an operator"},
    ErrorInfo{ErrorCode::kInvalidRecord, "INVALID_RECORD", false,
              "a record batch breaks a rule: timestamps, offsets, an unsupported compression codec"},
    ErrorInfo{ErrorCode::kResourceLimit, "RESOURCE_LIMIT", false,
              "the request breaks a broker limit (connections, in-flight requests)"},
};

constexpr ErrorInfo kUnknown{ErrorCode::kUnknownServerError, "UNKNOWN_ERROR_CODE", false,
                             "an error code this client does not know"};

}  // namespace

const ErrorInfo& error_info(ErrorCode code) {
  auto i = static_cast<size_t>(static_cast<int16_t>(code));
  if (i < kTable.size() && kTable[i].code == code) return kTable[i];
  return kUnknown;
}

}  // namespace cairn::protocol
