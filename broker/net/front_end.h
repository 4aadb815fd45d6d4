#pragma once

// FrontEnd: one wire protocol as a listener speaks it. The Session (reader, writer, watchdog,
// limits, memory budget; session.h) is the same for every protocol; it asks its front end how
// long a frame is, what its header says, how to handle the request, and how to refuse one.
// Cairn's own protocol is broker/cairn/ (CairnFrontEnd); a Kafka listener is another FrontEnd
// over the same broker operations (ops/operations.h).
//
// Framing both protocols share, which the session assumes: every request frame starts with a
// 4-byte length prefix; the frame (the bytes after the prefix) begins with a header the front
// end decodes. One FrontEnd serves every session of its listener, on every shard at once: its
// methods must be safe to call from any shard (Cairn's keeps no state of its own).

#include "broker/async.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "broker/net/outbound_frame.h"
#include "protocol/byte_io.h"
#include "protocol/error_code.h"
#include "protocol/status.h"

namespace cairn::broker {

class MemoryCharge;
namespace security {
class SaslAuthenticator;
}

// What the session needs of a request's header, whatever the protocol: which API and version
// (for logs and the handler), the correlation id (to answer a refused request), the client id,
// and where the body starts in the frame.
struct RequestHead {
  int32_t api_key = 0;
  int32_t api_version = 0;
  uint32_t correlation_id = 0;
  std::string client_id;
  size_t body_offset = 0;
};

// One request as the session read it, handed to the front end on the session's shard.
struct InboundRequest {
  const RequestHead& head;
  protocol::MutableBytes body;  // the request body, writable
  // Owns the bytes `body` points into. Work that may outlive the handler (an append still in
  // flight when a produce times out) holds a copy.
  std::shared_ptr<const void> body_owner;
  std::string_view peer_host;  // the client's address
  // Charges to the shard's request-memory budget, released once the response is written. A
  // handler adds what it builds from the request (decoded entries, per-partition work) before
  // building it; the session adds the response.
  MemoryCharge& memory;
  // Who the client is ("User:NAME"): User:ANONYMOUS until a certificate or SASL says otherwise.
  std::string_view principal = "User:ANONYMOUS";
  // The connection's SASL exchange when its listener requires SASL, else null.
  security::SaslAuthenticator* sasl = nullptr;
};

// Where a connection is best served, from one of its requests (FrontEnd::placement).
struct Placement {
  // False: this request does not tell (ask again with the next one).
  bool decided = true;
  // The shard that owns every partition the request names, when one does.
  std::optional<unsigned> shard;
};

// The one shard that owns every partition added (owner_shard()), for FrontEnd::placement.
class SingleOwner {
 public:
  explicit SingleOwner(unsigned shard_count) : shard_count_(shard_count) {}
  void add(std::string_view topic, int32_t partition);  // defined beside owner_shard()
  // nullopt when none was added or they have several owners.
  std::optional<unsigned> shard() const { return several_ ? std::nullopt : owner_; }

 private:
  unsigned shard_count_;
  std::optional<unsigned> owner_;
  bool several_ = false;
};

class FrontEnd {
 public:
  static constexpr size_t kLengthPrefixBytes = 4;

  virtual ~FrontEnd() = default;

  // The protocol's name, for logs ("cairn").
  virtual std::string_view name() const = 0;
  // The length of the frame that follows a length prefix (its byte order is the protocol's).
  virtual uint32_t frame_length(std::span<const std::byte, kLengthPrefixBytes> prefix) const = 0;
  // The shortest frame that can hold a request header; shorter ones close the connection.
  virtual uint32_t min_frame_bytes() const = 0;
  // Decodes the header at the front of a frame. An error closes the connection (a stream with a
  // header it cannot read cannot be resynchronised).
  virtual Result<RequestHead> decode_head(protocol::Bytes frame) const = 0;
  // The API's name, for logs.
  virtual std::string_view api_name(const RequestHead& head) const = 0;
  // Handles one request on the session's shard: decodes its body, calls the broker's operations,
  // encodes the answer. nullopt: the request gets no response (a Cairn Produce with acks=0).
  virtual awaitable<std::optional<OutboundFrame>> handle(InboundRequest& request) = 0;
  // An answer to `head` that carries only an error: for a request over the in-flight limit or
  // whose handler failed. A protocol without such an answer returns a frame that closes the
  // connection (OutboundFrame::close_connection).
  virtual OutboundFrame error_frame(const RequestHead& head, protocol::ErrorCode error,
                                    std::string_view message) const = 0;
  // On a listener that requires SASL: whether a connection may send this request before it has
  // authenticated (version negotiation and the SASL requests). Any other request closes it.
  virtual bool allowed_before_authentication(const RequestHead& /*head*/) const { return false; }
  // Where a connection whose request this is would be served without a hop between cores: the
  // session moves to that shard before handling it, once (session.h). Undecided until a request
  // names partitions; by default decided at once, for nowhere.
  virtual Placement placement(const RequestHead& /*head*/, protocol::MutableBytes /*body*/,
                              unsigned /*shard_count*/) const {
    return {};
  }
};

}  // namespace cairn::broker
