#pragma once

// The one place a Status becomes a wire error code (protocol/error_code.h, the broker's error
// vocabulary: Cairn's front end writes these codes as they are, another front end maps them to
// its own protocol's with one table). Everything the broker's operations decide from a Status
// goes through to_error_code(); the subject says what the failed work was about, since the same
// Status code means different things to a client.

#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::broker {

// What a failed operation was about; each names its rules beyond the common ones.
enum class ErrorSubject {
  // Appending, reading or looking up a partition's records. kInvalidArgument is a record batch
  // that breaks a rule (INVALID_RECORD); kCorruption only a checksum that does not match its
  // bytes (CORRUPT_MESSAGE: they may have been damaged on the way, so a retry may succeed).
  kRecords,
  // Finding the partition to serve (Shard::find_online): kNotFound is
  // UNKNOWN_TOPIC_OR_PARTITION, kUnavailable is PARTITION_OFFLINE.
  kPartition,
  // A partition's write status in Metadata: once it stopped taking appends, whatever the cause,
  // STORAGE_ERROR (its offsets are still served).
  kPartitionWrites,
  // Creating or deleting a topic, or its settings: kInvalidArgument is INVALID_CONFIG.
  kTopic,
  // A new topic's partition count: kInvalidArgument is INVALID_PARTITIONS.
  kPartitionCount,
  // Recording a producer id on disk: any failure is STORAGE_ERROR.
  kProducerId,
  // Storing a group's commit in its offsets partition: any failure is COORDINATOR_NOT_AVAILABLE
  // (retriable; the commit was not stored).
  kGroupCommit,
};

protocol::ErrorCode to_error_code(const Status& status,
                                  ErrorSubject subject = ErrorSubject::kRecords);

}  // namespace cairn::broker
