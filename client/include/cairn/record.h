#pragma once

// The records a client produces and consumes.

#include <compare>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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
  std::optional<std::string> key;  // records with a key go to the partition of its hash
  std::optional<std::string> value;
  std::vector<Header> headers;
  std::optional<int32_t> partition;    // set: this partition, whatever the key
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

// A header of a ConsumerRecordView: views, like the record.
struct HeaderView {
  std::string_view key;
  std::optional<std::string_view> value;
};

// A record as Consumer::poll_views() hands it out: the same fields as a ConsumerRecord, but the
// topic, key, value and headers view memory the consumer holds (the fetched batch itself) rather
// than being copied. Valid until the consumer's next poll() or poll_views(), or its destruction.
struct ConsumerRecordView {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  Timestamp timestamp;
  std::optional<std::string_view> key;
  std::optional<std::string_view> value;
  std::span<const HeaderView> headers;
};

}  // namespace cairn::client
