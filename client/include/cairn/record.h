#pragma once

// The records a client produces and consumes.

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn::client {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct Header {
  std::string key;
  std::optional<std::string> value;
};

struct ProducerRecord {
  std::string topic;
  std::optional<std::string> key;    // records with a key go to the partition of its hash
  std::optional<std::string> value;
  std::vector<Header> headers;
  std::optional<int32_t> partition;  // set: this partition, whatever the key
  std::optional<Timestamp> timestamp;  // unset: the time of send()
};

// Where an acknowledged record was stored.
struct RecordMetadata {
  TopicPartition topic_partition;
  int64_t offset = -1;  // -1 with acks=0: the broker does not say
  Timestamp timestamp;
};

struct ConsumerRecord {
  TopicPartition topic_partition;
  int64_t offset = 0;
  Timestamp timestamp;
  std::optional<std::string> key;
  std::optional<std::string> value;
  std::vector<Header> headers;
};

}  // namespace cairn::client
