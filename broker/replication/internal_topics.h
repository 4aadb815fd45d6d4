#pragma once

// The broker's own topics (names starting with `__`) on a follower and at a promotion. A
// follower copies them byte for byte like any topic, but never creates or deletes them: it
// copies those it has open itself, with its own partition count (`__consumer_offsets` always,
// `__cairn_security` with SASL or the authorizer on). It keeps its security records current
// (replayed and published after each copy that changed them), and leaves its group coordinators
// unloaded: a follower answers group requests with COORDINATOR_NOT_AVAILABLE and writes nothing
// of its own into the copied logs. A promotion loads the coordinators from the copied offsets
// and publishes the copied security records before the new leader takes requests that need them.

#include "broker/async.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "protocol/status.h"

namespace cairn::broker {

class BrokerServices;
class Shard;

// The partitions of the broker's own topics open here, by topic. Shard 0.
std::vector<std::pair<std::string, int32_t>> internal_partitions(BrokerServices& services);

// Whether `topic` holds the security records.
bool is_security_topic(std::string_view topic);

// Replays the security partition's log on its shard and publishes what it holds to every core,
// under the admin mutex. OK and nothing done when the security topic is not open here. A log
// that does not replay is an error and nothing is published. Any shard.
awaitable<Status> reload_security(BrokerServices& services);

// On `shard`: its group and transaction coordinators replay their partitions (a promotion).
void load_group_offsets(BrokerServices& services, Shard& shard);

}  // namespace cairn::broker
