#pragma once

// cooperative-sticky, as Kafka's CooperativeStickyAssignor and its rebalance protocol (KIP-429)
// define them, computed on the broker: members keep what they own up to a balanced share; the
// rest goes to the members with the fewest partitions. A partition that moves from one member
// to another is given to nobody in this generation: its owner, told it lost it, gives it up
// (committing first) and rejoins, and the next generation gives it to its new member. So no
// partition has two owners at once, and members consume what they keep during the rebalance.
// Only Kafka's consumers follow that protocol; Cairn's own front end refuses the strategy.

#include <string_view>

#include "broker/group/assignor.h"

namespace cairn::broker {

bool is_cooperative_strategy(std::string_view strategy);

// `previous`: what each member owns, by member id (its assignment in the last generation).
Assignment assign_cooperative_sticky(const std::vector<Subscription>& members,
                                     const std::map<std::string, int32_t>& partitions,
                                     const Assignment& previous);

}  // namespace cairn::broker
