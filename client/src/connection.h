#pragma once

// cairn::client::Connection: one TCP connection to a broker, with pipelined requests.
//
// Internal to the client library: the producer's sender, the consumer's fetcher and group member
// and the admin client each own one or two, and the project's own tools and tests use it to speak
// the wire protocol directly. Applications use Producer, Consumer and Admin.
//
// connect() resolves and connects within a timeout, then asks the broker which APIs it speaks
// and what its limits are (ApiVersions v1, or v0 from a broker that only knows v0). Requests go
// out in the order they are made and may be many at once; the broker answers in that order. A
// request with no answer within the request timeout, an answer out of order, or any broken frame
// from the broker fails that request and every other one in flight and closes the connection:
// after that every call fails fast with kUnavailable (make a new Connection).
//
// A request may carry external bytes (protocol/codec.h, ExternalBytes): fields whose bytes are
// not copied into the frame but written from buffers the caller shares, right after the bytes
// before them (a gather write). A producer sends its sealed batches that way; the buffers stay
// alive, shared by the frame, until the frame is written or the connection fails.
//
// Threads: every method may be called from any thread. The connection's state lives on its own
// I/O thread (Impl, shared with the handlers running there); callbacks run on that thread, so they
// must not block, and never call the blocking call() from one; a request a callback makes is
// queued and written at once, one made on another thread is posted to the I/O thread. The
// destructor stops the I/O thread and waits for it, after every pending callback has run with
// kUnavailable.
// Errors: Status values (never exceptions). kUnavailable: could not connect, or the connection
// is gone; kTimedOut: no answer in time; a request refused as a whole becomes a Status by the
// client's one translation (client/src/wire_status.h). Per-partition errors come in the replies.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "protocol/codec.h"
#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/status.h"
#include "cairn/sasl.h"
#include "cairn/tls.h"

namespace cairn::client {

struct ConnectionOptions {
  std::string broker = "127.0.0.1:9292";  // HOST:PORT, or several, comma-separated, tried in turn
  std::string client_id = "cairn";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
  TlsConfig tls;
  // Authenticates right after ApiVersions when a mechanism is set (sasl_login.cc); a failure
  // fails connect().
  SaslConfig sasl;
  // Connect to the cluster's leader (client/src/leader_search.h): each broker reached is asked
  // (Metadata v2) whether it leads and which address does. Off: the first broker reached.
  bool find_leader = false;
};

// A decoded response and the frame its byte views point into.
template <typename T>
struct Reply {
  T body;
  std::shared_ptr<const std::vector<std::byte>> frame;
  T* operator->() { return &body; }
  const T* operator->() const { return &body; }
};

// Bytes a request frame carries by reference: shared so that they live until written.
using SharedBytes = std::shared_ptr<const std::vector<std::byte>>;

// How one request goes out.
struct RequestOptions {
  uint16_t version = 0;
  // The bytes of the request's external fields, indexed by their source id.
  std::vector<SharedBytes> external;
};

class Connection {
 public:
  using RawCallback = std::function<void(Result<Reply<protocol::Bytes>>)>;

  static Result<std::unique_ptr<Connection>> connect(const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends `request` and calls `done` on the I/O thread with the decoded response.
  template <typename Request, typename Response>
  void call_async(protocol::ApiKey api, const Request& request,
                  std::function<void(Result<Reply<Response>>)> done, RequestOptions options = {}) {
    uint16_t version = options.version;
    send(encode(api, request, std::move(options)), /*expect_response=*/true,
         [done = std::move(done), version](Result<Reply<protocol::Bytes>> raw) {
           if (!raw) return done(raw.error());
           auto body = Response::decode(raw->body, version);
           if (!body) return done(body.error().with_context("malformed response"));
           done(Reply<Response>{std::move(*body), std::move(raw->frame)});
         });
  }

  // Blocking form of call_async.
  template <typename Request, typename Response>
  Result<Reply<Response>> call(protocol::ApiKey api, const Request& request,
                               RequestOptions options = {}) {
    std::promise<Result<Reply<Response>>> promise;
    auto future = promise.get_future();
    call_async<Request, Response>(
        api, request, [&promise](Result<Reply<Response>> r) { promise.set_value(std::move(r)); },
        std::move(options));
    return future.get();
  }

  // Sends a request the broker does not answer (Produce with acks=0). `done` runs once the
  // bytes are written to the socket, or on failure.
  template <typename Request>
  void send_oneway(protocol::ApiKey api, const Request& request, std::function<void(Status)> done,
                   RequestOptions options = {}) {
    send(encode(api, request, std::move(options)), /*expect_response=*/false,
         [done = std::move(done)](const Result<Reply<protocol::Bytes>>& r) { done(r.status()); });
  }

  // What the broker said about itself when the connection was made. max_batch_bytes is 0 when
  // the broker answered in the v0 layout, which does not tell it.
  const protocol::ApiVersionsResponse& broker_info() const { return broker_info_; }
  // `wanted`, or the highest version of `api` below it that the broker speaks (0 when it did not
  // list the API).
  uint16_t version_for(protocol::ApiKey api, uint16_t wanted) const;
  // The options of a Metadata request: the newest version up to 2 the broker speaks (v1 on: with
  // whether to create missing topics; v2: with the replication state); v0 (which creates them
  // when the broker auto-creates) for a broker that speaks no other.
  RequestOptions metadata_options() const;
  const ConnectionOptions& options() const { return options_; }
  // OK while usable; afterwards, why it failed.
  Status health() const;
  // Requests sent and not yet answered.
  size_t in_flight() const;
  // Every client part that reads error codes from answers reports them here, the one place that
  // acts on those about the broker rather than the request: NOT_LEADER closes the connection
  // (kUnavailable, "not the leader"), so that its owner's next connect finds the leader (with
  // find_leader). Others are ignored. Any thread, also a callback on the I/O thread.
  void note_error(protocol::ErrorCode error);

 private:
  // A request frame: its bytes with the external ones left out, where those go, and them.
  struct Frame {
    std::vector<std::byte> bytes;
    std::vector<protocol::ExternalBytes> external;
    std::vector<SharedBytes> sources;
  };
  struct Impl;
  explicit Connection(ConnectionOptions options);

  template <typename Request>
  Frame encode(protocol::ApiKey api, const Request& request, RequestOptions options) {
    // The request header (PROTOCOL.md, "Frames"); the correlation id is filled in when sent.
    Frame frame;
    protocol::Encoder e(frame.bytes);
    e.begin_frame();
    e.write<uint16_t>(static_cast<uint16_t>(api));
    e.write<uint16_t>(options.version);
    e.write<uint32_t>(0);
    e.write_string(options_.client_id);
    request.encode(e, options.version);
    e.end_frame();
    frame.external = e.external();
    frame.sources = std::move(options.external);
    return frame;
  }
  // Sends a request frame (its correlation id is filled in here).
  void send(Frame frame, bool expect_response, RawCallback done);
  // connect() to one HOST:PORT address.
  static Result<std::unique_ptr<Connection>> connect_one(const ConnectionOptions& options);
  // connect() with find_leader (leader_search.h), over `addresses`.
  static Result<std::unique_ptr<Connection>> connect_to_leader(const ConnectionOptions& options,
                                                               std::vector<std::string> addresses);
  Status negotiate();
  Status authenticate();

  ConnectionOptions options_;
  protocol::ApiVersionsResponse broker_info_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cairn::client
