#pragma once

// cairn::client::Admin: topics and consumer groups, for tools and operators.
//
// Thread-safety: every method may be called from any thread; each call waits for its answer.
// Errors are Status values: kNotFound for an unknown topic or group, kInvalidArgument for a
// request the broker refused for good and kUnavailable for one it refused for now (a full disk,
// a broker stopping, an offline partition; the message names the broker's error code), or when
// the broker cannot be reached; kCorruption for a reply that lacks what was asked.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/record.h"
#include "cairn/status.h"
#include "cairn/sasl.h"
#include "cairn/tls.h"

namespace cairn::client {

struct AdminConfig {
  // HOST:PORT, or several comma-separated: each tried in turn until one connects.
  std::string broker = "127.0.0.1:9292";
  std::string client_id = "cairn-admin";
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
  TlsConfig tls;    // off: plaintext
  SaslConfig sasl;  // no mechanism: no authentication
};

// A topic's settings. -1 in a numeric field means "no limit" for retention when described, and
// "the broker's default" when creating (so does an empty durability).
struct TopicSettings {
  int64_t retention_ms = -1;
  int64_t retention_bytes = -1;
  int64_t segment_bytes = -1;
  int64_t segment_ms = -1;
  std::string durability;  // "always", "interval:MS" or "never"
};

struct NewTopicSpec {
  std::string name;
  int32_t partitions = 1;
  TopicSettings settings;
};

struct PartitionDescription {
  int32_t partition = 0;
  Status status;  // OK, or why the broker cannot serve the partition now (offline, disk failed)
  int64_t log_start_offset = 0;
  int64_t high_watermark = 0;  // the next offset to be written
  int64_t size_bytes = 0;
};

struct TopicDescription {
  std::string name;
  TopicSettings settings;
  std::vector<PartitionDescription> partitions;
};

struct GroupListing {
  std::string group_id;
  std::string state;  // Empty, PreparingRebalance, Stable
  int32_t members = 0;
};

struct GroupMemberDescription {
  std::string member_id;
  std::string client_id;
  std::string host;
  std::vector<TopicPartition> assignment;
};

struct GroupPartitionLag {
  TopicPartition topic_partition;
  std::optional<int64_t> committed;  // nullopt: nothing committed
  int64_t end_offset = 0;
  int64_t lag = 0;    // end - committed (end - start when nothing committed)
  std::string owner;  // member id, or empty
};

struct GroupDescription {
  std::string group_id;
  std::string state;
  std::string strategy;
  int32_t generation = 0;
  std::vector<GroupMemberDescription> members;
  // Every partition of a topic the group commits to or consumes.
  std::vector<GroupPartitionLag> partitions;
};

// Where reset_offsets moves a group's position.
struct OffsetTarget {
  enum class Kind { kEarliest, kLatest, kOffset } kind = Kind::kEarliest;
  int64_t offset = 0;
};

// One partition's new committed offset, as plan_offset_reset works it out.
struct PartitionOffsetReset {
  int32_t partition = 0;
  int64_t offset = 0;     // to be committed
  int64_t log_start = 0;  // the partition's offsets when planned: [log_start, log_end]
  int64_t log_end = 0;
  bool clamped = false;  // the target offset lay outside them and was moved to the nearer end
};

class Admin {
 public:
  static Result<std::unique_ptr<Admin>> create(const AdminConfig& config);
  ~Admin();

  Status create_topic(const NewTopicSpec& spec);
  Status delete_topic(const std::string& name);
  Result<std::vector<std::string>> list_topics();
  Result<TopicDescription> describe_topic(const std::string& name);

  Result<std::vector<GroupListing>> list_groups();
  // Members, assignment, and each partition's committed offset, end offset and lag.
  Result<GroupDescription> describe_group(const std::string& group);
  // Where `target` puts each partition of `topic` (or only `partition`). An offset outside a
  // partition's [log start, log end] is clamped to the nearer end, as Kafka's tools do, so that
  // a group never resumes from a position the log does not have (which would send it back to
  // its auto_offset_reset). kNotFound: no such topic or partition; kUnavailable: a partition is
  // offline.
  Result<std::vector<PartitionOffsetReset>> plan_offset_reset(
      const std::string& topic, OffsetTarget target,
      std::optional<int32_t> partition = std::nullopt);
  // Commits a plan for `group`. Only for a group without members (kInvalidArgument naming
  // NON_EMPTY_GROUP otherwise).
  Status reset_offsets(const std::string& group, const std::string& topic,
                       const std::vector<PartitionOffsetReset>& plan);
  // plan_offset_reset for every partition, then reset_offsets with that plan.
  Status reset_offsets(const std::string& group, const std::string& topic, OffsetTarget target);
  // Deletes a group that has no members, with its committed offsets. kNotFound: no such group;
  // kInvalidArgument naming NON_EMPTY_GROUP: it has members (stop its consumers first).
  Status delete_group(const std::string& group);

 private:
  struct Impl;
  explicit Admin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::client
