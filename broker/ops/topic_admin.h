#pragma once

// Creating and deleting topics (Operations::create_topic, delete_topic; topic_admin.cc), and the
// rules about topic names and partition settings that every front end and the startup share.
// Creation and deletion run on shard 0, which owns the topic files, one at a time, and open or
// close the partitions on the shards that own them.

#include "broker/async.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/error_code.h"
#include "protocol/status.h"
#include "storage/topic_store.h"

namespace cairn::broker {

class BrokerServices;
struct BrokerConfig;

// A topic's outcome in a create or delete.
struct TopicOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
};

// A topic's settings after a TopicConfig change (Operations::topic_config, topic_config.cc).
struct TopicSettingsOutcome {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::string message;
  // Every setting as its topic.conf key and value, after the changes (empty with an error).
  std::vector<std::pair<std::string, std::string>> settings;
  struct Compaction {
    int32_t partition = 0;
    double dirty_ratio = 0;
    int64_t cleaner_checkpoint = 0;
  };
  std::vector<Compaction> partitions;  // every partition, in order; zeros while offline
};

// What a topic name must be, for error messages (which never quote the name itself).
inline constexpr std::string_view kTopicNameRule =
    "topic names are 1 to 200 characters of [a-zA-Z0-9._-], not . or ..";
// True when `name` follows kTopicNameRule. Operations check names before building any work for
// them, so a long or malformed name costs nothing per partition.
bool is_valid_topic_name(std::string_view name);
// Internal topics (names starting with "__") hold broker state; clients cannot create, delete or
// produce to them.
bool is_internal_topic(std::string_view name);
// Internal topics no client request reads or describes, whoever asks: `__cairn_security` (the
// users' salted verifiers and the ACL bindings). Fetch, ListOffsets and Metadata answer
// INVALID_TOPIC_NAME for it.
bool is_hidden_topic(std::string_view name);
// kInvalidArgument unless `partitions` is a partition count a topic may have.
Status check_partition_count(int32_t partitions);
// On shard 0 under the admin lock: opens (creating) partitions `from` to config.partitions - 1
// of topic `name` on their owner shards; how many could not be opened (each is added offline and
// logged).
awaitable<size_t> open_partitions(BrokerServices& services, const std::string& name,
                                  const storage::TopicConfig& config, int32_t from);

// The storage settings of one of `topic`'s partitions under this broker's limits.
storage::PartitionConfig partition_config(const BrokerConfig& broker, std::string_view topic,
                                          const storage::TopicConfig& config);

// True when the topic exists, creating it with the defaults first if auto-create is on. Any
// shard; resumes on the caller's.
awaitable<bool> ensure_topic(BrokerServices& services, std::string name);

}  // namespace cairn::broker
