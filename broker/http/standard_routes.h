#pragma once

// The routes every cairnd listener has: /healthz (the process answers), /readyz (it has
// recovered and serves every partition) and /metrics (the Prometheus exposition).

#include <functional>
#include <string>

#include "broker/http/router.h"
#include "broker/metrics/registry.h"

namespace cairn::broker::http {

struct Readiness {
  bool ready = false;
  std::string reason;  // why not, for the body of a 503: "recovering 3 of 12 partitions"
};
// Called on the server's thread for each /readyz: it must be safe to call from there (read
// atomics, not shard state).
using ReadinessProbe = std::function<Readiness()>;

// GET /healthz: 200 "ok". GET /readyz: 200 "ready", or 503 "not ready: <reason>".
void add_health_routes(Router& router, ReadinessProbe probe);

// GET /metrics: the registry in the text exposition format. The registry must outlive the
// server.
void add_metrics_route(Router& router, const metrics::Registry& registry);

}  // namespace cairn::broker::http
