#include "client/src/wire_status.h"

namespace cairn::client {

using protocol::ErrorCode;

Status to_status(ErrorCode code, std::string_view context, std::string_view message) {
  if (code == ErrorCode::kNone) return Status::ok();
  const protocol::ErrorInfo& info = protocol::error_info(code);
  std::string text = std::string(context) + ": " + std::string(info.name);
  if (!message.empty()) text += ": " + std::string(message);
  switch (code) {
    case ErrorCode::kUnknownTopicOrPartition:
    case ErrorCode::kGroupIdNotFound: return Status::not_found(std::move(text));
    case ErrorCode::kOffsetOutOfRange: return Status::out_of_range(std::move(text));
    case ErrorCode::kOutOfOrderSequence: return Status::out_of_order(std::move(text));
    case ErrorCode::kInvalidProducerEpoch:
    case ErrorCode::kProducerFenced:
    case ErrorCode::kIllegalGeneration:
    case ErrorCode::kUnknownMemberId:
    case ErrorCode::kRebalanceInProgress: return Status::fenced(std::move(text));
    case ErrorCode::kRequestTimedOut: return Status::timed_out(std::move(text));
    case ErrorCode::kPartitionOffline: return Status::unavailable(std::move(text));
    default:
      return info.retriable ? Status::unavailable(std::move(text))
                            : Status::invalid_argument(std::move(text));
  }
}

Status missing_entry(std::string_view context) {
  return Status::corruption(std::string(context) + ": the broker's reply has no entry for it");
}

std::string partition_name(const TopicPartition& tp) {
  return tp.topic + "-" + std::to_string(tp.partition);
}

}  // namespace cairn::client
