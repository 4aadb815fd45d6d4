#pragma once

// What a handler of a Cairn API sees, and what it answers. A handler is one function per API,
// handle(RequestContext&, Request) -> Reply<Response> (handlers.h), declared once and put in the
// handler table (handler_table.h) by the API list of protocol/apis.h, which also gives its key,
// versions and bodies. The table decodes the request (INVALID_REQUEST when it cannot), calls
// the handler and encodes its reply; the handler translates between the wire structs and the
// broker's operations and does nothing else: no routing, no storage, no error mapping of its
// own beyond what a wire field means.

#include "broker/async.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "broker/memory_budget.h"
#include "broker/net/front_end.h"
#include "broker/net/outbound_frame.h"
#include "broker/ops/operations.h"
#include "broker/security/security_snapshot.h"
#include "protocol/apis.h"

namespace cairn::broker {

class SecurityAdmin;

// The narrow view a handler gets: the broker's operations, its request, and its memory charge.
struct RequestContext {
  Operations& ops;
  const RequestHead& header;
  protocol::MutableBytes body;  // the request body, writable
  // Owns the bytes `body` points into; an operation that may outlive the handler holds a copy.
  std::shared_ptr<const void> body_owner;
  std::string_view peer_host;  // the client's address
  // Charges to the shard's request-memory budget, released once the response is written. A
  // handler adds what it builds from the request before building it; the session adds the
  // response.
  MemoryCharge& memory;
  uint16_t port;  // the listener's, which Metadata and FindCoordinator give out
  // Set by the handler table when the answer carries an error (any error code in it).
  bool failed = false;
  // Who sent the request ("User:NAME").
  std::string_view principal = "User:ANONYMOUS";
  // The connection's SASL exchange when the listener requires SASL, else null.
  security::SaslAuthenticator* sasl = nullptr;
  // The security state this request is authorized against, held for the request; null when
  // the authorizer is off (then every request is allowed).
  std::shared_ptr<const security::SecuritySnapshot> security;
  // Set by a handler whose answer must be the connection's last (a failed authentication).
  bool close_after = false;
  // Online changes to users and ACLs (the management APIs).
  SecurityAdmin* security_admin = nullptr;

  uint16_t version() const { return static_cast<uint16_t>(header.api_version); }
};

// A handler's answer: a response body, or none (Produce with acks=0).
template <class Response>
struct Reply {
  Reply(Response r) : body(std::move(r)) {}  // NOLINT: a handler returns its response as is
  static Reply none() { return Reply(); }

  std::optional<Response> body;
  // Stored batches the body names as external sources, in order, sent from their files (Fetch).
  std::vector<std::vector<storage::LogSlice>> files;
  // Encode in this version rather than the request's (ApiVersions past its highest version).
  std::optional<uint16_t> version;

 private:
  Reply() = default;
};

using HandlerResult = std::optional<OutboundFrame>;

// A response frame that carries only an error; for a request that expects no response (Produce
// with acks=0) a frame that closes the connection instead, since the error cannot be told.
OutboundFrame respond_error(const RequestContext& ctx, protocol::ErrorCode error,
                            std::string_view message);

// How a handler's request is decoded: with its body's decoder, at the request's version.
template <class Request>
Result<Request> decode_body(const RequestContext& ctx) {
  return Request::decode(ctx.body, ctx.version());
}
// ApiVersions ignores its body, so that a request of any version (a later one may add fields)
// is answered.
template <>
inline Result<protocol::ApiVersionsRequest> decode_body(const RequestContext&) {
  return protocol::ApiVersionsRequest{};
}

// The per-partition requests (Produce, Fetch, ListOffsets) name topics, each with partition
// entries. Charges what the handler will hold for them to the request's memory before building
// anything (per topic: its name twice and `topic_bytes`; per entry: `entry_bytes`), then
// flattens the entries, in request order, into what the operation takes: make(topic, entry).
template <class Entry, class Topics, class Make>
std::vector<Entry> charge_and_flatten(RequestContext& ctx, const Topics& topics,
                                      uint64_t topic_bytes, uint64_t entry_bytes, Make make) {
  uint64_t work = 0;
  size_t count = 0;
  for (const auto& t : topics) {
    work += topic_bytes + 2 * t.name.size() + entry_bytes * t.partitions.size();
    count += t.partitions.size();
  }
  ctx.memory.add(work);
  std::vector<Entry> entries;
  entries.reserve(count);
  for (const auto& t : topics) {
    for (const auto& p : t.partitions) entries.push_back(make(t, p));
  }
  return entries;
}

}  // namespace cairn::broker
