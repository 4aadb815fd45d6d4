#include "broker/http/standard_routes.h"

#include "broker/metrics/text_format.h"

namespace cairn::broker::http {

void add_health_routes(Router& router, ReadinessProbe probe) {
  router.add(Method::kGet, "/healthz",
             SyncHandler([](const Request&) { return Response::text(200, "ok\n"); }));
  router.add(Method::kGet, "/readyz", SyncHandler([probe = std::move(probe)](const Request&) {
               Readiness r = probe();
               if (r.ready) return Response::text(200, "ready\n");
               return Response::text(503, "not ready: " + r.reason + "\n");
             }));
}

void add_metrics_route(Router& router, const metrics::Registry& registry) {
  router.add(Method::kGet, "/metrics", SyncHandler([&registry](const Request&) {
               Response r;
               r.content_type = std::string(metrics::kTextContentType);
               r.body = metrics::to_text(registry);
               return r;
             }));
}

}  // namespace cairn::broker::http
