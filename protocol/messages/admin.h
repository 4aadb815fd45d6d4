#pragma once

// Bodies of the administrative APIs: ApiVersions, Metadata, CreateTopics, DeleteTopics and
// ListOffsets (PROTOCOL.md has each field). Every body has encode(Encoder&, version) and
// `static Result<T> decode(Bytes body, uint16_t version)`; decoded strings are copies.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/error_code.h"
#include "protocol/frame.h"

namespace cairn::protocol {

struct ApiVersionsRequest {
  void encode(Encoder&, uint16_t) const {}
  static Result<ApiVersionsRequest> decode(Bytes body, uint16_t version);
};

struct ApiVersionsResponse {
  std::vector<ApiVersionRange> apis;
  std::string broker_version;
  uint32_t max_frame_bytes = 0;        // the largest request frame the broker reads
  uint32_t max_inflight_requests = 0;  // per connection, before the broker cuts it off
  uint32_t max_batch_bytes = 0;        // v1 on: the largest record batch a produce may carry

  void encode(Encoder& e, uint16_t version) const;
  static Result<ApiVersionsResponse> decode(Bytes body, uint16_t version);
};

struct MetadataRequest {
  std::optional<std::vector<std::string>> topics;  // nullopt: every topic
  // v1 on: whether a named topic that does not exist is created (when the broker auto-creates
  // topics). A producer asks for it; describing or consuming does not. v0 always asks.
  bool create_missing = false;

  void encode(Encoder& e, uint16_t version) const;
  static Result<MetadataRequest> decode(Bytes body, uint16_t version);
};

// A topic's settings. -1 in a numeric field means "none" for retention and "the broker's
// default" in CreateTopics.
struct TopicSettings {
  int64_t retention_ms = -1;
  int64_t retention_bytes = -1;
  int64_t segment_bytes = -1;
  int64_t segment_ms = -1;
  std::string durability;  // "always", "interval:MS", "never"; empty: the broker's default

  void encode(Encoder& e) const;
  void decode(Decoder& d);
};

// v2 on: a follower of a leader's partition, as that leader sees it.
struct ReplicaMetadata {
  int32_t replica_id = 0;
  int64_t fetched_offset = 0;  // the offset its last fetch asked for: it holds everything before
  bool in_sync = false;
  int64_t caught_up_ms_ago = -1;  // -1: never caught up
};

struct PartitionMetadata {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  std::string error_message;
  int32_t leader = 0;
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;
  int64_t size_bytes = 0;
  // v2 on: the leader epoch stamped on new batches (-1: none yet), the log end offset (the next
  // offset to be written; the high watermark may be below it) and, from a leader, its followers.
  int32_t leader_epoch = -1;
  int64_t log_end_offset = 0;
  std::vector<ReplicaMetadata> replicas;
};

struct TopicMetadata {
  std::string name;
  ErrorCode error = ErrorCode::kNone;
  TopicSettings settings;
  std::vector<PartitionMetadata> partitions;
};

struct MetadataResponse {
  int32_t node_id = 0;
  std::string host;
  uint16_t port = 0;
  std::vector<TopicMetadata> topics;
  // v2 on: whether this broker is the leader (takes produce), and the leader's HOST:PORT as this
  // broker knows it (its own; a follower's leader; empty: none known). A v0/v1 answer says
  // nothing: `is_leader` true, no address.
  bool is_leader = true;
  std::string leader_address;

  void encode(Encoder& e, uint16_t version) const;
  static Result<MetadataResponse> decode(Bytes body, uint16_t version);
};

struct NewTopic {
  std::string name;
  int32_t partitions = 1;
  TopicSettings settings;
};

struct CreateTopicsRequest {
  std::vector<NewTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<CreateTopicsRequest> decode(Bytes body, uint16_t version);
};

// One topic's outcome in CreateTopics and DeleteTopics.
struct TopicResult {
  std::string name;
  ErrorCode error = ErrorCode::kNone;
  std::string message;
};

struct TopicResultsResponse {
  std::vector<TopicResult> results;

  void encode(Encoder& e, uint16_t version) const;
  static Result<TopicResultsResponse> decode(Bytes body, uint16_t version);
};
using CreateTopicsResponse = TopicResultsResponse;
using DeleteTopicsResponse = TopicResultsResponse;

struct DeleteTopicsRequest {
  std::vector<std::string> names;

  void encode(Encoder& e, uint16_t version) const;
  static Result<DeleteTopicsRequest> decode(Bytes body, uint16_t version);
};

inline constexpr int64_t kLatestTimestamp = -1;
inline constexpr int64_t kEarliestTimestamp = -2;

struct ListOffsetsPartition {
  int32_t partition = 0;
  int64_t timestamp = kLatestTimestamp;  // -1 latest, -2 earliest, else ms since the epoch
};

struct ListOffsetsTopic {
  std::string name;
  std::vector<ListOffsetsPartition> partitions;
};

struct ListOffsetsRequest {
  std::vector<ListOffsetsTopic> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<ListOffsetsRequest> decode(Bytes body, uint16_t version);
};

struct ListOffsetsPartitionResult {
  int32_t partition = 0;
  ErrorCode error = ErrorCode::kNone;
  int64_t offset = -1;  // -1 when no record has a timestamp at or after the one asked for
};

struct ListOffsetsTopicResult {
  std::string name;
  std::vector<ListOffsetsPartitionResult> partitions;
};

struct ListOffsetsResponse {
  std::vector<ListOffsetsTopicResult> topics;

  void encode(Encoder& e, uint16_t version) const;
  static Result<ListOffsetsResponse> decode(Bytes body, uint16_t version);
};

}  // namespace cairn::protocol
