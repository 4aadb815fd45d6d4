#pragma once

// SecurityAdmin: online changes to the security records (SCRAM users and ACL bindings), for the
// management APIs. A change is checked against the records as they stand, appended as one
// batch to the `__cairn_security` partition (synced: its durability is always), and only once
// stored published to every core as a new snapshot (security_snapshot.h). Changes are
// serialized by the broker's admin mutex on shard 0, so they are published in log order.

#include "broker/async.h"

#include <memory>
#include <vector>

#include "broker/security/security_log.h"
#include "broker/security/security_snapshot.h"
#include "protocol/status.h"

namespace cairn::broker {

class BrokerServices;

class SecurityAdmin {
 public:
  // `services` outlives it.
  explicit SecurityAdmin(BrokerServices& services) : services_(services) {}

  // The records every core reads now; any shard.
  std::shared_ptr<const security::SecuritySnapshot> current() const;
  // kInvalidArgument for a change that breaks a bound (nothing written); kUnavailable when the
  // security topic is not open (the broker runs without SASL and without the authorizer, or the
  // topic is offline); a storage error when the append failed (nothing published). Any shard.
  awaitable<Status> change(std::vector<security::SecurityChange> changes);

 private:
  BrokerServices& services_;
};

}  // namespace cairn::broker
