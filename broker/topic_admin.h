#pragma once

// Creating and deleting topics. Both run on shard 0, which owns the topic files, and open or
// close the partitions on the shards that own them.

#include "broker/async.h"

#include <string>

#include "protocol/messages/admin.h"
#include "storage/topic_store.h"

namespace cairn::broker {

class Broker;
struct BrokerConfig;

// What a topic name must be, for error messages (which never quote the name itself).
inline constexpr std::string_view kTopicNameRule =
    "topic names are 1 to 200 characters of [a-zA-Z0-9._-], not . or ..";
// True when `name` follows kTopicNameRule. Handlers check names before building any work for
// them, so a long or malformed name costs nothing per partition.
bool is_valid_topic_name(std::string_view name);

// A CreateTopics entry with the broker's defaults filled in, validated. Errors name the field:
// kInvalidArgument (a setting out of range; see PROTOCOL.md, "CreateTopics").
Result<storage::TopicConfig> resolve_topic_config(const protocol::NewTopic& request,
                                                  const storage::TopicConfig& defaults);
// The storage settings of one of `topic`'s partitions under this broker's limits.
storage::PartitionConfig partition_config(const BrokerConfig& broker, std::string_view topic,
                                          const storage::TopicConfig& config);

// Creates a topic and opens its partitions; call from any shard.
awaitable<protocol::TopicResult> create_topic(Broker& broker, std::string name,
                                              storage::TopicConfig config);
// Closes a topic's partitions (after their in-flight appends) and deletes its files. Refused
// with BROKER_SHUTTING_DOWN once the broker is stopping (it is then closing those partitions).
awaitable<protocol::TopicResult> delete_topic(Broker& broker, std::string name);
// Internal topics (names starting with "__") hold broker state; clients cannot create, delete or
// produce to them.
bool is_internal_topic(std::string_view name);
// True when the topic exists, creating it with the defaults first if auto-create is on.
awaitable<bool> ensure_topic(Broker& broker, std::string name);

}  // namespace cairn::broker
