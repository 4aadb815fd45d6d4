#pragma once

// Creating and deleting topics. Both run on shard 0, which owns the topic files, and open or
// close the partitions on the shards that own them.

#include "broker/async.h"

#include <string>

#include "protocol/messages/admin.h"
#include "storage/topic_store.h"

namespace cairn::broker {

class Broker;

// A CreateTopics entry with the broker's defaults filled in, validated. Errors name the field.
Result<storage::TopicConfig> resolve_topic_config(const protocol::NewTopic& request,
                                                  const storage::TopicConfig& defaults);

// Creates a topic and opens its partitions; call from any shard.
awaitable<protocol::TopicResult> create_topic(Broker& broker, std::string name,
                                              storage::TopicConfig config);
// Closes a topic's partitions (after their in-flight appends) and deletes its files.
awaitable<protocol::TopicResult> delete_topic(Broker& broker, std::string name);
// Internal topics (names starting with "__") hold broker state; clients cannot create, delete or
// produce to them.
bool is_internal_topic(std::string_view name);
// True when the topic exists, creating it with the defaults first if auto-create is on.
awaitable<bool> ensure_topic(Broker& broker, std::string name);

}  // namespace cairn::broker
