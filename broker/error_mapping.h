#pragma once

#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::broker {

// What a failed operation was about. The same Status code means different things to a client:
// an invalid argument is a record batch that breaks a rule in a produce, a setting out of range
// in CreateTopics.
enum class ErrorSubject {
  kRecords,  // appending, reading or looking up a partition's records
  kTopic,    // creating or deleting a topic, or its settings
};

// The one place a storage or broker Status becomes a wire error code.
protocol::ErrorCode to_error_code(const Status& status, ErrorSubject subject = ErrorSubject::kRecords);

}  // namespace cairn::broker
