#pragma once

// Request handlers: one per API, registered in one table (dispatch.cc). A handler decodes its
// request, validates it, runs the work on the shards that own the partitions, maps errors and
// encodes the response. It never touches files or sockets itself.

#include "broker/async.h"

#include <memory>
#include <optional>

#include "broker/outbound_frame.h"
#include "protocol/frame.h"

namespace cairn::broker {

class Broker;
class MemoryCharge;
class Shard;

struct RequestContext {
  Broker& broker;
  Shard& shard;  // the session's shard; handlers run on it
  const protocol::RequestHeader& header;
  protocol::MutableBytes body;  // the request body, writable
  // Owns the bytes `body` points into. Work that may outlive the handler (an append still in
  // flight when a produce times out) holds a copy.
  std::shared_ptr<const void> body_owner;
  std::string_view peer_host;  // the client's address
  // Charges to the shard's request-memory budget, released once the response is written. A
  // handler adds what it builds from the request (decoded entries, per-partition work) before
  // building it; the session adds the response.
  MemoryCharge& memory;
};

// nullopt: the request gets no response (Produce with acks=0).
using HandlerResult = std::optional<OutboundFrame>;

// Checks the API key and version and runs its handler. Unknown APIs and versions get an
// UNSUPPORTED_VERSION error response; ApiVersions is answered at any version.
awaitable<HandlerResult> dispatch(RequestContext& ctx);

awaitable<HandlerResult> handle_api_versions(RequestContext& ctx);
awaitable<HandlerResult> handle_metadata(RequestContext& ctx);
awaitable<HandlerResult> handle_create_topics(RequestContext& ctx);
awaitable<HandlerResult> handle_delete_topics(RequestContext& ctx);
awaitable<HandlerResult> handle_produce(RequestContext& ctx);
awaitable<HandlerResult> handle_fetch(RequestContext& ctx);
awaitable<HandlerResult> handle_list_offsets(RequestContext& ctx);
awaitable<HandlerResult> handle_find_coordinator(RequestContext& ctx);
awaitable<HandlerResult> handle_join_group(RequestContext& ctx);
awaitable<HandlerResult> handle_sync_group(RequestContext& ctx);
awaitable<HandlerResult> handle_heartbeat(RequestContext& ctx);
awaitable<HandlerResult> handle_leave_group(RequestContext& ctx);
awaitable<HandlerResult> handle_offset_commit(RequestContext& ctx);
awaitable<HandlerResult> handle_offset_fetch(RequestContext& ctx);
awaitable<HandlerResult> handle_list_groups(RequestContext& ctx);
awaitable<HandlerResult> handle_describe_groups(RequestContext& ctx);
awaitable<HandlerResult> handle_init_producer_id(RequestContext& ctx);

// A response frame carrying `body`.
template <typename Body>
OutboundFrame respond(const RequestContext& ctx, const Body& body) {
  OutboundFrame f;
  protocol::Encoder e(f.bytes);
  protocol::begin_response(e, ctx.header.correlation_id, protocol::ErrorCode::kNone, "");
  body.encode(e, ctx.header.api_version);
  e.end_frame();
  f.external = e.external();
  return f;
}

// A response frame carrying only an error; for a request that expects no response (Produce
// with acks=0) a frame that closes the connection instead, since the error cannot be told.
OutboundFrame respond_error(const RequestContext& ctx, protocol::ErrorCode error,
                            std::string_view message);

}  // namespace cairn::broker
