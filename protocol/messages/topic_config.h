#pragma once

// Bodies of TopicConfig (PROTOCOL.md, "TopicConfig"): read a topic's settings, change some of
// them, and see each partition's compaction state.

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"

namespace cairn::protocol {

struct ConfigEntry {
  std::string key;    // a topic.conf key, e.g. "cleanup.policy"
  std::string value;  // as topic.conf writes it
  friend bool operator==(const ConfigEntry&, const ConfigEntry&) = default;
};

struct TopicConfigRequest {
  std::string topic;
  std::vector<ConfigEntry> changes;  // empty: only read

  void encode(Encoder& e, uint16_t version) const;
  static Result<TopicConfigRequest> decode(Bytes body, uint16_t version);
};

struct PartitionCompaction {
  int32_t partition = 0;
  uint32_t dirty_ratio_ppm = 0;  // dirty ratio in parts per million
  int64_t cleaner_checkpoint = 0;
  friend bool operator==(const PartitionCompaction&, const PartitionCompaction&) = default;
};

struct TopicConfigResponse {
  ErrorCode error = ErrorCode::kNone;
  std::string message;
  std::vector<ConfigEntry> settings;  // every setting, after the changes
  std::vector<PartitionCompaction> partitions;

  void encode(Encoder& e, uint16_t version) const;
  static Result<TopicConfigResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
