#pragma once

// The clean stop of one shard: its sessions, then its partitions; then the broker's own
// administrative operations still under way.

#include "broker/async.h"

namespace cairn::broker {

class BrokerServices;
class Shard;

// On `shard`'s executor: closes its sessions once they have answered what they read (waiting up
// to 5 s), then flushes and closes its partitions cleanly. Returns how many partitions could not
// be closed cleanly (the next start recovers them from their logs).
awaitable<int> drain_shard(BrokerServices& services, Shard& shard);

// After every shard drained: waits (up to 5 s) until the topic creations and deletions that came
// in during the stop have been answered (refused), so none is abandoned when the shards stop.
awaitable<void> finish_admin_in_flight(BrokerServices& services);

}  // namespace cairn::broker
