#pragma once

// cairn::client::Connection: one TCP connection to a broker, with pipelined requests.
//
// connect() resolves and connects within a timeout, then asks the broker which APIs it speaks
// (ApiVersions). Requests go out in the order they are made and may be many at once; the
// broker answers in that order. A request with no answer within the request timeout, or any
// broken frame from the broker, fails that request and every other one in flight and closes
// the connection: after that every call fails fast with kUnavailable (make a new Connection).
//
// Thread-safety: every method may be called from any thread. Callbacks run on the connection's
// own I/O thread, so they must not block; never call the blocking call() from a callback.
// Errors: Status values (never exceptions). kUnavailable: could not connect, or the connection
// is gone; kTimedOut: no answer in time; kInvalidArgument: the broker refused the request as a
// whole (the message names the broker's error code). Per-partition errors come in the replies.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "protocol/frame.h"
#include "protocol/messages/admin.h"
#include "protocol/status.h"

namespace cairn::client {

struct ConnectionOptions {
  std::string broker = "127.0.0.1:9292";  // HOST:PORT
  std::string client_id = "cairn";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{30000};
};

// A decoded response and the frame its byte views point into.
template <typename T>
struct Reply {
  T body;
  std::shared_ptr<const std::vector<std::byte>> frame;
  T* operator->() { return &body; }
  const T* operator->() const { return &body; }
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
                  std::function<void(Result<Reply<Response>>)> done) {
    send(encode(api, request), /*expect_response=*/true,
         [done = std::move(done)](Result<Reply<protocol::Bytes>> raw) {
           if (!raw) return done(raw.error());
           auto body = Response::decode(raw->body, 0);
           if (!body) return done(body.error().with_context("malformed response"));
           done(Reply<Response>{std::move(*body), std::move(raw->frame)});
         });
  }

  // Blocking form of call_async.
  template <typename Request, typename Response>
  Result<Reply<Response>> call(protocol::ApiKey api, const Request& request) {
    std::promise<Result<Reply<Response>>> promise;
    auto future = promise.get_future();
    call_async<Request, Response>(api, request, [&promise](Result<Reply<Response>> r) {
      promise.set_value(std::move(r));
    });
    return future.get();
  }

  // Sends a request the broker does not answer (Produce with acks=0). `done` runs once the
  // bytes are written to the socket, or on failure.
  template <typename Request>
  void send_oneway(protocol::ApiKey api, const Request& request,
                   std::function<void(Status)> done) {
    send(encode(api, request), /*expect_response=*/false,
         [done = std::move(done)](Result<Reply<protocol::Bytes>> r) { done(r.status()); });
  }

  // What the broker said about itself when the connection was made.
  const protocol::ApiVersionsResponse& broker_info() const { return broker_info_; }
  const ConnectionOptions& options() const { return options_; }
  // OK while usable; afterwards, why it failed.
  Status health() const;
  // Requests sent and not yet answered.
  size_t in_flight() const;

 private:
  struct Impl;
  explicit Connection(ConnectionOptions options);

  template <typename Request>
  std::vector<std::byte> encode(protocol::ApiKey api, const Request& request) {
    std::vector<std::byte> frame;
    protocol::encode_request(frame, {static_cast<uint16_t>(api), 0, 0, options_.client_id}, request);
    return frame;
  }
  // Sends a request frame (its correlation id is filled in here).
  void send(std::vector<std::byte> frame, bool expect_response, RawCallback done);

  ConnectionOptions options_;
  protocol::ApiVersionsResponse broker_info_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace cairn::client
