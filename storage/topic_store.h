#pragma once

// TopicStore: the topics of a data directory (FORMAT.md, "Topics").
//
//   <data dir>/topics/<name>/topic.conf     the topic's settings, text, replaced atomically
//   <data dir>/topics/<name>/<partition>/   one partition directory per partition
//
// A topic exists exactly when its topic.conf does: it is written (atomically) before any of the
// topic's partitions and removed before them, so a crash in between leaves at most an orphan
// directory, which load_all() removes. Used from one thread (the broker's first core).

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/status.h"
#include "storage/durability_policy.h"
#include "storage/io/io_backend.h"
#include "storage/partition_config.h"

namespace cairn::storage {

struct TopicConfig {
  int32_t partitions = 1;
  uint64_t segment_bytes = PartitionConfig::kDefaultSegmentBytes;
  std::chrono::milliseconds segment_age = PartitionConfig::kDefaultSegmentAge;
  std::optional<uint64_t> retention_bytes;
  std::optional<std::chrono::milliseconds> retention_age;
  DurabilityPolicy durability = DurabilityPolicy::always();
  CleanupPolicy cleanup;
  CompactionConfig compaction;
  std::optional<protocol::Compression> compression;  // nullopt: "producer"

  // The settings each partition is opened with.
  PartitionConfig partition_config() const;
  Status validate() const;
  // Sets one setting by its topic.conf key and text value (FORMAT.md, "Topics"), without
  // validating the whole. kNotFound for a key that is not a setting, kInvalidArgument for a
  // value that does not parse.
  Status set(std::string_view key, std::string_view value);
  // Every setting as its topic.conf key and text value, in topic.conf's order.
  std::vector<std::pair<std::string, std::string>> entries() const;
  // The topic.conf keys, in that order.
  static std::vector<std::string> keys();
  // topic.conf: "key=value" lines (FORMAT.md).
  std::string encode() const;
  static Result<TopicConfig> decode(std::string_view text);
};

inline constexpr int32_t kMaxPartitions = 10000;

class TopicStore {
 public:
  TopicStore(IoBackend& io, const std::filesystem::path& data_dir);

  // Creates <data dir>/topics if needed.
  Status init();
  // Every topic with a readable topic.conf. Orphan directories (no topic.conf) are removed;
  // an unreadable topic.conf is an error naming the file.
  Result<std::map<std::string, TopicConfig>> load_all();
  // Writes the topic's directory and topic.conf, durably. kInvalidArgument for a bad name.
  Status create(std::string_view name, const TopicConfig& config);
  // Replaces an existing topic's topic.conf with `config`, atomically and durably. kNotFound
  // when the topic does not exist.
  Status alter(std::string_view name, const TopicConfig& config);
  // Removes topic.conf (the topic is gone from then on), then everything else of the topic.
  // Its partitions must be closed.
  Status remove(std::string_view name);

  std::filesystem::path topic_dir(std::string_view name) const;
  std::filesystem::path partition_dir(std::string_view name, int32_t partition) const;

  // Topic names: 1 to 200 characters of [a-zA-Z0-9._-], not "." or "..".
  static Status validate_name(std::string_view name);

 private:
  IoBackend& io_;
  std::filesystem::path topics_dir_;
};

// Deletes a directory and everything under it.
Status remove_tree(IoBackend& io, const std::filesystem::path& path);

}  // namespace cairn::storage
