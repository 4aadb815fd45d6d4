#pragma once

// The clean stop of one shard: its sessions, then its partitions.

#include "broker/async.h"

namespace cairn::broker {

class BrokerServices;
class Shard;

// On `shard`'s executor: closes its sessions once they have answered what they read (waiting up
// to 5 s), then flushes and closes its partitions cleanly. Returns how many partitions could not
// be closed cleanly (the next start recovers them from their logs).
awaitable<int> drain_shard(BrokerServices& services, Shard& shard);

}  // namespace cairn::broker
