#pragma once

// The JSON API under /api/v1/ (http/API.md is its spec), answered from the broker's operations
// (ops/operations.h): health, topics with their partitions and settings, a partition's records,
// consumer groups with members, offsets and lag, totals for live charts, and the few changes
// the spec allows (create and delete a topic, reset a group's offsets) with their confirmation.
//
// Handlers run on the listener's thread and never block it: each spawns its work on shard 0,
// which reaches the other shards through the operations and answers through the Responder.

#include <chrono>
#include <functional>

#include "broker/http/router.h"

namespace cairn::broker {

class BrokerServices;
class Operations;
class ReadinessState;

struct ApiContext {
  BrokerServices& services;
  Operations& ops;
  const ReadinessState& readiness;
  std::function<uint32_t()> open_connections;  // any thread
  std::chrono::steady_clock::time_point started;
};

// Adds the /api/v1/ routes. `context` (and what it refers to) must outlive the listener.
void add_api_routes(http::Router& router, const ApiContext& context);

}  // namespace cairn::broker
