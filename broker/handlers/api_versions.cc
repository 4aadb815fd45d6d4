#include "broker/broker.h"
#include "broker/handlers/dispatch.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

awaitable<HandlerResult> handle_api_versions(RequestContext& ctx) {
  const auto& limits = ctx.broker.config().limits;
  protocol::ApiVersionsResponse r;
  r.apis.assign(protocol::supported_apis().begin(), protocol::supported_apis().end());
  r.broker_version = "cairn 0.1.0";
  r.max_frame_bytes = limits.max_frame_bytes;
  r.max_inflight_requests = limits.max_inflight_requests;
  r.max_batch_bytes = limits.max_batch_bytes;
  // Answered at any version, so a client can always learn what to speak: in the layout of the
  // version asked for when the broker knows it, else in the v0 layout. The request body is
  // ignored (a later version may add fields to it).
  const auto* api = protocol::find_api(static_cast<uint16_t>(protocol::ApiKey::kApiVersions));
  protocol::RequestHeader answered = ctx.header;
  if (answered.api_version > api->max_version) answered.api_version = 0;
  RequestContext at{ctx.broker, ctx.shard, answered, ctx.body, ctx.body_owner, ctx.peer_host,
                    ctx.memory};
  co_return respond(at, r);
}

}  // namespace cairn::broker
