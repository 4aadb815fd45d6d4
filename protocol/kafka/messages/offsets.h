#pragma once

// Committed offsets: OffsetCommit (8), OffsetFetch (9) and OffsetDelete (47).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "protocol/kafka/api.h"
#include "protocol/kafka/codec.h"

namespace cairn::protocol::kafka {

struct OffsetCommitRequestPartition {
  int32_t partition_index = 0;
  int64_t committed_offset = 0;
  int32_t committed_leader_epoch = -1;
  std::optional<std::string> committed_metadata = "";

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(committed_offset, "CommittedOffset", Versions{0});
    io(committed_leader_epoch, "CommittedLeaderEpoch", Versions{6});
    io(committed_metadata, "CommittedMetadata", Versions{0}, Nullable{0});
  }
  bool operator==(const OffsetCommitRequestPartition&) const = default;
};

struct OffsetCommitRequestTopic {
  std::string name;
  Uuid topic_id;
  std::vector<OffsetCommitRequestPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 9});
    io(topic_id, "TopicId", Versions{10});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetCommitRequestTopic&) const = default;
};

struct OffsetCommitRequest {
  static constexpr const ApiSpec& kApi = kOffsetCommitApi;
  std::string group_id;
  int32_t generation_id_or_member_epoch = -1;
  std::string member_id;
  std::optional<std::string> group_instance_id;
  int64_t retention_time_ms = -1;
  std::vector<OffsetCommitRequestTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(generation_id_or_member_epoch, "GenerationIdOrMemberEpoch", Versions{1});
    io(member_id, "MemberId", Versions{1});
    io(group_instance_id, "GroupInstanceId", Versions{7}, Nullable{7});
    io(retention_time_ms, "RetentionTimeMs", Versions{2, 4});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetCommitRequest&) const = default;
};

struct OffsetCommitResponsePartition {
  int32_t partition_index = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const OffsetCommitResponsePartition&) const = default;
};

struct OffsetCommitResponseTopic {
  std::string name;
  Uuid topic_id;
  std::vector<OffsetCommitResponsePartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 9});
    io(topic_id, "TopicId", Versions{10});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetCommitResponseTopic&) const = default;
};

struct OffsetCommitResponse {
  static constexpr const ApiSpec& kApi = kOffsetCommitApi;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetCommitResponseTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{3});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetCommitResponse&) const = default;
};

struct OffsetFetchRequestTopic {
  std::string name;
  std::vector<int32_t> partition_indexes;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 7});
    io(partition_indexes, "PartitionIndexes", Versions{0, 7});
  }
  bool operator==(const OffsetFetchRequestTopic&) const = default;
};

struct OffsetFetchRequestTopics {
  std::string name;
  Uuid topic_id;
  std::vector<int32_t> partition_indexes;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{8, 9});
    io(topic_id, "TopicId", Versions{10});
    io(partition_indexes, "PartitionIndexes", Versions{8});
  }
  bool operator==(const OffsetFetchRequestTopics&) const = default;
};

struct OffsetFetchRequestGroup {
  std::string group_id;
  std::optional<std::string> member_id;
  int32_t member_epoch = -1;
  std::optional<std::vector<OffsetFetchRequestTopics>> topics =
      std::vector<OffsetFetchRequestTopics>{};

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{8});
    io(member_id, "MemberId", Versions{9}, Nullable{9});
    io(member_epoch, "MemberEpoch", Versions{9});
    io(topics, "Topics", Versions{8}, Nullable{8});
  }
  bool operator==(const OffsetFetchRequestGroup&) const = default;
};

// Versions 0-7 ask about one group; 8+ about several (groups). Null topics: every committed one.
struct OffsetFetchRequest {
  static constexpr const ApiSpec& kApi = kOffsetFetchApi;
  std::string group_id;
  std::optional<std::vector<OffsetFetchRequestTopic>> topics =
      std::vector<OffsetFetchRequestTopic>{};
  std::vector<OffsetFetchRequestGroup> groups;
  bool require_stable = false;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0, 7});
    io(topics, "Topics", Versions{0, 7}, Nullable{2, 7});
    io(groups, "Groups", Versions{8});
    io(require_stable, "RequireStable", Versions{7});
  }
  bool operator==(const OffsetFetchRequest&) const = default;
};

struct OffsetFetchResponsePartition {
  int32_t partition_index = 0;
  int64_t committed_offset = 0;
  int32_t committed_leader_epoch = -1;
  std::optional<std::string> metadata = "";
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0, 7});
    io(committed_offset, "CommittedOffset", Versions{0, 7});
    io(committed_leader_epoch, "CommittedLeaderEpoch", Versions{5, 7});
    io(metadata, "Metadata", Versions{0, 7}, Nullable{0, 7});
    io(error_code, "ErrorCode", Versions{0, 7});
  }
  bool operator==(const OffsetFetchResponsePartition&) const = default;
};

struct OffsetFetchResponseTopic {
  std::string name;
  std::vector<OffsetFetchResponsePartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0, 7});
    io(partitions, "Partitions", Versions{0, 7});
  }
  bool operator==(const OffsetFetchResponseTopic&) const = default;
};

struct OffsetFetchResponsePartitions {
  int32_t partition_index = 0;
  int64_t committed_offset = 0;
  int32_t committed_leader_epoch = -1;
  std::optional<std::string> metadata = "";
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{8});
    io(committed_offset, "CommittedOffset", Versions{8});
    io(committed_leader_epoch, "CommittedLeaderEpoch", Versions{8});
    io(metadata, "Metadata", Versions{8}, Nullable{8});
    io(error_code, "ErrorCode", Versions{8});
  }
  bool operator==(const OffsetFetchResponsePartitions&) const = default;
};

struct OffsetFetchResponseTopics {
  std::string name;
  Uuid topic_id;
  std::vector<OffsetFetchResponsePartitions> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{8, 9});
    io(topic_id, "TopicId", Versions{10});
    io(partitions, "Partitions", Versions{8});
  }
  bool operator==(const OffsetFetchResponseTopics&) const = default;
};

struct OffsetFetchResponseGroup {
  std::string group_id;
  std::vector<OffsetFetchResponseTopics> topics;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{8});
    io(topics, "Topics", Versions{8});
    io(error_code, "ErrorCode", Versions{8});
  }
  bool operator==(const OffsetFetchResponseGroup&) const = default;
};

struct OffsetFetchResponse {
  static constexpr const ApiSpec& kApi = kOffsetFetchApi;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetFetchResponseTopic> topics;
  int16_t error_code = 0;
  std::vector<OffsetFetchResponseGroup> groups;

  template <class Io>
  void fields(Io& io) {
    io(throttle_time_ms, "ThrottleTimeMs", Versions{3});
    io(topics, "Topics", Versions{0, 7});
    io(error_code, "ErrorCode", Versions{2, 7});
    io(groups, "Groups", Versions{8});
  }
  bool operator==(const OffsetFetchResponse&) const = default;
};

struct OffsetDeleteRequestPartition {
  int32_t partition_index = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
  }
  bool operator==(const OffsetDeleteRequestPartition&) const = default;
};

struct OffsetDeleteRequestTopic {
  std::string name;
  std::vector<OffsetDeleteRequestPartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetDeleteRequestTopic&) const = default;
};

struct OffsetDeleteRequest {
  static constexpr const ApiSpec& kApi = kOffsetDeleteApi;
  std::string group_id;
  std::vector<OffsetDeleteRequestTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(group_id, "GroupId", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetDeleteRequest&) const = default;
};

struct OffsetDeleteResponsePartition {
  int32_t partition_index = 0;
  int16_t error_code = 0;

  template <class Io>
  void fields(Io& io) {
    io(partition_index, "PartitionIndex", Versions{0});
    io(error_code, "ErrorCode", Versions{0});
  }
  bool operator==(const OffsetDeleteResponsePartition&) const = default;
};

struct OffsetDeleteResponseTopic {
  std::string name;
  std::vector<OffsetDeleteResponsePartition> partitions;

  template <class Io>
  void fields(Io& io) {
    io(name, "Name", Versions{0});
    io(partitions, "Partitions", Versions{0});
  }
  bool operator==(const OffsetDeleteResponseTopic&) const = default;
};

struct OffsetDeleteResponse {
  static constexpr const ApiSpec& kApi = kOffsetDeleteApi;
  int16_t error_code = 0;
  int32_t throttle_time_ms = 0;
  std::vector<OffsetDeleteResponseTopic> topics;

  template <class Io>
  void fields(Io& io) {
    io(error_code, "ErrorCode", Versions{0});
    io(throttle_time_ms, "ThrottleTimeMs", Versions{0});
    io(topics, "Topics", Versions{0});
  }
  bool operator==(const OffsetDeleteResponse&) const = default;
};

}  // namespace cairn::protocol::kafka
