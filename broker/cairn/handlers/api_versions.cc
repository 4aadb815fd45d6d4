// ApiVersions: what this build speaks and the broker's limits. Answered at any version: in the
// layout of the version asked for when the broker knows it, else in the v0 layout, so a client
// can always learn what to speak.
#include "broker/cairn/handlers.h"

namespace cairn::broker {

awaitable<Reply<protocol::ApiVersionsResponse>> handle(RequestContext& ctx,
                                                       protocol::ApiVersionsRequest) {
  const Limits& limits = ctx.ops.config().limits;
  protocol::ApiVersionsResponse r;
  r.apis.assign(protocol::supported_apis().begin(), protocol::supported_apis().end());
  r.broker_version = "cairn 0.1.0";
  r.max_frame_bytes = limits.max_frame_bytes;
  r.max_inflight_requests = limits.max_inflight_requests;
  r.max_batch_bytes = limits.max_batch_bytes;
  Reply<protocol::ApiVersionsResponse> reply(std::move(r));
  const auto* api = protocol::find_api(static_cast<uint16_t>(protocol::ApiKey::kApiVersions));
  if (ctx.version() > api->max_version) reply.version = 0;
  co_return reply;
}

}  // namespace cairn::broker
