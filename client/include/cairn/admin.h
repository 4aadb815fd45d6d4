#pragma once

// cairn::client::Admin: topics and consumer groups, for tools and operators.
//
// Thread-safety: every method may be called from any thread; each call waits for its answer.
// Errors are Status values: kNotFound for an unknown topic or group, kInvalidArgument for a
// request the broker refused (the message names its error code), kUnavailable when the broker
// cannot be reached.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/record.h"
#include "protocol/messages/admin.h"
#include "protocol/messages/group.h"
#include "protocol/status.h"

namespace cairn::client {

struct AdminConfig {
  std::string broker = "127.0.0.1:9292";
  std::string client_id = "cairn-admin";
  std::chrono::milliseconds request_timeout{30'000};
  std::chrono::milliseconds connect_timeout{5'000};
};

struct NewTopicSpec {
  std::string name;
  int32_t partitions = 1;
  protocol::TopicSettings settings;  // -1 / "" fields take the broker's defaults
};

struct GroupPartitionLag {
  TopicPartition topic_partition;
  std::optional<int64_t> committed;  // nullopt: nothing committed
  int64_t end_offset = 0;
  int64_t lag = 0;                   // end - committed (end - start when nothing committed)
  std::string owner;                 // member id, or empty
};

struct GroupDescription {
  protocol::DescribedGroup group;
  std::vector<GroupPartitionLag> partitions;  // every partition of a topic the group commits to or consumes
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
  bool clamped = false;   // the target offset lay outside them and was moved to the nearer end
};

class Admin {
 public:
  static Result<std::unique_ptr<Admin>> create(AdminConfig config);
  ~Admin();

  Status create_topic(const NewTopicSpec& spec);
  Status delete_topic(const std::string& name);
  Result<std::vector<std::string>> list_topics();
  Result<protocol::TopicMetadata> describe_topic(const std::string& name);

  Result<std::vector<protocol::GroupListing>> list_groups();
  // Members, assignment, and each partition's committed offset, end offset and lag.
  Result<GroupDescription> describe_group(const std::string& group);
  // Where `target` puts each partition of `topic` (or only `partition`). An offset outside a
  // partition's [log start, log end] is clamped to the nearer end, as Kafka's tools do, so that
  // a group never resumes from a position the log does not have (which would send it back to
  // its auto_offset_reset). kNotFound: no such topic or partition; kUnavailable: a partition is
  // offline.
  Result<std::vector<PartitionOffsetReset>> plan_offset_reset(
      const std::string& topic, OffsetTarget target, std::optional<int32_t> partition = std::nullopt);
  // Commits a plan for `group`. Only for a group without members (kInvalidArgument naming
  // NON_EMPTY_GROUP otherwise).
  Status reset_offsets(const std::string& group, const std::string& topic,
                       const std::vector<PartitionOffsetReset>& plan);
  // plan_offset_reset for every partition, then reset_offsets with that plan.
  Status reset_offsets(const std::string& group, const std::string& topic, OffsetTarget target);

 private:
  struct Impl;
  explicit Admin(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::client
