#pragma once

// Session: one client connection, on the shard that accepted it, speaking its listener's
// protocol through a FrontEnd (front_end.h), which cuts and heads the frames and handles each
// request; everything below is the same for every protocol. Three coroutines share it:
// reader() cuts frames out of the byte stream (checking the length against the limit before
// allocating, and waiting for the shard's request-memory budget for the whole frame before
// reading its body, so that readers never hold part of the budget while waiting for more),
// starts a handler per request
// and stops at the first framing error or the request over the in-flight limit; writer() sends
// responses in request order (several small ones per system call, fetched batches with
// sendfile) and, once reading has stopped and every request read is answered, ends the
// connection gracefully; watchdog() closes a connection that sends no first request in time,
// leaves a frame half sent, or is idle (nothing moving since the last byte or answer, no request
// being handled and no answer waiting to be written) for too long. Handlers may finish out of
// order; each fills its slot in the queue and wakes the writer. Memory: each request's work and its
// response are charged to the shard's budget until the response is written, and the reader takes no
// new request while this connection's charges pass a bound (each new request gets to charge its
// work before the next is read). Held by shared_ptr: every coroutine and handler keeps it alive
// until it ends. TLS: on a listener with TLS the reader first completes the server side of the
// handshake (within the first-request deadline, which the watchdog keeps) and every read and write
// goes through the TLS stream; a handshake that fails closes the connection. The choice is made
// once per connection, at the accept: the plaintext path stays the plain socket. Fetched file
// slices go through memory under TLS (sendfile cannot encrypt). The connection's principal is
// User:ANONYMOUS, or the one its verified client certificate maps to.
// SASL: on a listener that requires it, the session runs the connection's SaslAuthenticator
// (the SASL requests' handlers drive it through InboundRequest). Until it has authenticated,
// frames are limited to its pre-authentication size, a request the front end does not allow
// before authentication closes the connection, and requests are handled one at a time (what
// follows a SASL request depends on its outcome). Once authenticated, the connection's
// principal is the authenticated user's. A handler's frame marked then_close (a failed
// authentication) is the last one read and written.
// Moving: connections are dealt to shards in turn, and a request for a partition another shard
// owns costs two hops between cores (there and back). So the reader asks the front end where the
// connection belongs (FrontEnd::placement) until a request names partitions; when one shard owns
// them all and it is another, the connection moves there before that request is handled, once:
// its socket's descriptor is released from this shard's reactor and, with the bytes read but not
// handled, its lease, handed to a new session on that shard (SessionMover). Only a plaintext
// connection without SASL moves, only with nothing in flight (no request being handled or
// answered; else it asks again with the next request, up to 1,000 times), and only when the whole
// request is in the read buffer; otherwise it stays.

#include "broker/async.h"

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "broker/net/front_end.h"
#include "broker/net/outbound_frame.h"

namespace cairn::broker {

class ConnectionLease;
class MemoryCharge;
class Shard;
struct Limits;
struct ListenerSasl;
struct ListenerTls;
namespace security {
class SaslAuthenticator;
}

// A request frame's bytes. Allocated without being touched, so a frame announced but not yet
// sent costs address space, not memory.
struct FrameBuffer {
  explicit FrameBuffer(size_t n) : data(std::make_unique_for_overwrite<std::byte[]>(n)), size(n) {}
  std::unique_ptr<std::byte[]> data;
  size_t size;
  protocol::MutableBytes bytes() { return {data.get(), size}; }
};

// Moves a connection to another shard (its listener's): the socket's descriptor (released from
// the session's shard), its protocol, its lease, and the bytes read from it but not handled yet.
struct SessionMover {
  unsigned shard_count = 1;
  std::function<void(unsigned shard, asio::ip::tcp protocol, int fd,
                     std::unique_ptr<ConnectionLease> lease, std::vector<std::byte> bytes)>
      move;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  // `shard`, `front_end`, `limits`, `tls`, `sasl` and `mover` outlive the session. `tls`: the
  // listener's TLS, or null for plaintext; `sasl`: its SASL, or null when it requires none;
  // `mover`: null for a session that does not move. `carried`: the bytes a session that moved
  // here had read (it does not move again).
  Session(asio::ip::tcp::socket socket, Shard& shard, FrontEnd& front_end, const Limits& limits,
          std::unique_ptr<ConnectionLease> lease, const ListenerTls* tls = nullptr,
          const ListenerSasl* sasl = nullptr, const SessionMover* mover = nullptr,
          std::vector<std::byte> carried = {});
  ~Session();

  void start();
  // Stops reading; the connection closes once every request already read is answered.
  void shutdown();
  // Closes the connection now.
  void close(std::string_view why);

 private:
  struct Slot {
    Slot(Shard& shard, std::shared_ptr<uint64_t> connection_total);
    ~Slot();
    bool ready = false;
    bool respond = true;  // false for produce with acks=0
    bool close_after = false;
    OutboundFrame frame;
    // The request's work and its response, held against the shard's budget until written.
    std::unique_ptr<MemoryCharge> memory;
  };

  // Each coroutine takes `self` as a parameter: coroutine frames copy their parameters before
  // the body first runs, which keeps the session alive from the moment it is spawned.
  struct TlsStream;

  awaitable<void> reader(std::shared_ptr<Session> self);
  // The server side of the TLS handshake, and the principal from the client's certificate;
  // false when it failed (the connection is closed).
  awaitable<bool> handshake();
  // Writes `buffers` through TLS as one contiguous record stream.
  awaitable<void> write_tls(const std::vector<asio::const_buffer>& buffers);
  awaitable<void> writer(std::shared_ptr<Session> self);
  awaitable<void> watchdog(std::shared_ptr<Session> self);
  awaitable<void> serve(std::shared_ptr<Session> self, std::shared_ptr<FrameBuffer> frame,
                        RequestHead head, std::shared_ptr<Slot> slot, uint64_t budget_bytes);
  // Reads the rest of a frame (its budget is already taken), chunk by chunk: each chunk that
  // arrives restarts the frame's request timeout.
  awaitable<void> read_body(FrameBuffer& frame, size_t have);
  awaitable<void> write_with_files(OutboundFrame& frame);
  awaitable<void> send_file(const storage::LogSlice& slice);
  // Sends FIN after the responses written, then reads and drops what the client still sends
  // until it closes (or the linger time passes), then closes. Closing a socket with unread
  // bytes would reset the connection and could destroy the responses just written.
  awaitable<void> linger_close(std::string_view why);
  // Stops taking requests: the connection ends once the ones already read are answered.
  void stop_reading();
  void touch();
  // Whether the listener requires SASL and this connection has not authenticated yet.
  bool before_authentication() const;
  // The shard this connection should move to before `frame` (a whole request) is handled, if
  // any; records when the placement is decided.
  std::optional<unsigned> move_target(protocol::MutableBytes frame);
  // Hands the connection, with `bytes` (read, not handled), to a new session on `shard` and
  // closes this one; false (nothing changed) when its socket cannot be released.
  bool move_to(unsigned shard, std::vector<std::byte> bytes);

  asio::ip::tcp::socket socket_;
  Shard& shard_;
  FrontEnd& front_end_;
  const Limits& limits_;
  std::string peer_;
  std::string peer_host_;
  std::string principal_ = "User:ANONYMOUS";
  std::unique_ptr<ConnectionLease> lease_;
  const ListenerTls* tls_config_;
  const SessionMover* mover_;
  std::vector<std::byte> carried_;  // read by the session this one moved from
  bool placed_;                     // no move is considered any more
  // Requests that would have moved the connection but for requests in flight.
  static constexpr int kMaxBusyPlacements = 1000;
  int busy_placements_ = 0;
  std::unique_ptr<TlsStream> tls_;                     // null on a plaintext listener
  std::unique_ptr<security::SaslAuthenticator> sasl_;  // null when the listener has no SASL
  std::deque<std::shared_ptr<Slot>> queue_;            // requests read, in order, until answered
  Notifier writer_wake_;
  Notifier reader_wake_;  // the writer has released memory; the reader may be waiting for that
  asio::steady_timer watchdog_timer_;
  SteadyTime accepted_at_;
  SteadyTime last_activity_;
  std::optional<SteadyTime> frame_started_;  // a frame has begun to arrive but is not complete
  std::optional<SteadyTime> linger_started_;
  size_t handlers_running_ = 0;  // requests read whose handler has not finished
  // Bytes charged for this connection's requests (their work and unwritten responses).
  std::shared_ptr<uint64_t> held_bytes_ = std::make_shared<uint64_t>(0);
  bool first_request_read_ = false;
  bool read_done_ = false;
  bool closed_ = false;
};

}  // namespace cairn::broker
