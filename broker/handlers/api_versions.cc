#include "broker/broker.h"
#include "broker/handlers/dispatch.h"
#include "protocol/messages/admin.h"

namespace cairn::broker {

awaitable<HandlerResult> handle_api_versions(RequestContext& ctx) {
  protocol::ApiVersionsResponse r;
  r.apis.assign(protocol::supported_apis().begin(), protocol::supported_apis().end());
  r.broker_version = "cairn 0.1.0";
  r.max_frame_bytes = ctx.broker.config().limits.max_frame_bytes;
  r.max_inflight_requests = ctx.broker.config().limits.max_inflight_requests;
  // Answered at any version, in the v0 layout, so a client can always learn what to speak.
  protocol::RequestHeader v0 = ctx.header;
  v0.api_version = 0;
  RequestContext at_v0{ctx.broker, ctx.shard, v0, ctx.body, ctx.body_owner, ctx.peer_host};
  co_return respond(at_v0, r);
}

}  // namespace cairn::broker
