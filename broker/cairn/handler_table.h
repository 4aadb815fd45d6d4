#pragma once

// The Cairn front end's handler table: one entry per API, generated from protocol/apis.h (key,
// versions, name, request and response bodies) and the handlers of handlers.h. An entry
// decodes its request (INVALID_REQUEST when it cannot), calls its handler and encodes the reply.

#include "broker/async.h"

#include <cstdint>
#include <span>
#include <string_view>

#include "broker/cairn/handler.h"

namespace cairn::broker {

struct HandlerEntry {
  uint16_t api_key;
  uint16_t min_version;
  uint16_t max_version;
  std::string_view name;
  awaitable<HandlerResult> (*run)(RequestContext& ctx);
};

// Every entry, by API key.
std::span<const HandlerEntry> handler_table();

// Runs the request's handler. An unknown API or version gets an UNSUPPORTED_VERSION error
// response; ApiVersions is answered at any version.
awaitable<HandlerResult> dispatch(RequestContext& ctx);

}  // namespace cairn::broker
