#pragma once

// FakeBroker: a scripted broker for the client library's unit tests, speaking Cairn frames
// (PROTOCOL.md, "Frames") on a loopback socket, so the real client code runs end to end in
// milliseconds without cairnd.
//
// It listens on 127.0.0.1 at an ephemeral port and serves each accepted connection on a thread
// of its own: it reads a request frame, records it, asks the handler the test set for that API
// what to do (answer with a body or an error, stay silent, hold the answer back, drop the
// connection) and does it. Nothing is stored: a test scripts every answer. Only ApiVersions,
// Metadata (for the topics given to add_topic) and InitProducerId have default handlers; any
// other unscripted request is answered with UNKNOWN_SERVER_ERROR.
//
// Handlers run one at a time (under one mutex), on the thread of the connection that sent the
// request, so they may share plain state with each other. They must not call back into the
// FakeBroker except for the read-only accessors.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "protocol/codec.h"
#include "protocol/error_code.h"
#include "protocol/frame.h"

namespace cairn::testing {

class FakeBroker {
 public:
  struct Request {
    int connection = 0;  // 1, 2, ... in the order the connections were accepted
    protocol::ApiKey api{};
    uint16_t version = 0;
    uint32_t correlation_id = 0;
    std::string client_id;
    // Writable because a decoded Produce request views its records in place.
    mutable std::vector<std::byte> body;

    // The body decoded as T (a request type of protocol/messages); its views point into `body`.
    // Fails the test if it does not decode.
    template <typename T>
    T decode() const {
      auto r = T::decode(body, version);
      EXPECT_TRUE(r) << "request does not decode: " << r.error().to_string();
      return r ? std::move(*r) : T{};
    }
  };

  // What to do with one request.
  struct Answer {
    protocol::ErrorCode error = protocol::ErrorCode::kNone;  // the request-level error
    std::string message;
    std::function<void(protocol::Encoder&, uint16_t version)> body;  // when error is NONE
    bool respond = true;       // false: no response at all (a request with acks=0)
    bool hold = false;         // keep this response back until an answer with release_held
    bool release_held = false;  // write the held responses right after this one
    bool drop = false;         // close the connection (after writing this answer, if any)
    std::chrono::milliseconds delay{0};  // wait this long before writing (a long poll)

    template <typename T>
    static Answer reply(T response) {
      Answer a;
      a.body = [response = std::move(response)](protocol::Encoder& e, uint16_t v) {
        response.encode(e, v);
      };
      return a;
    }
    static Answer fail(protocol::ErrorCode error, std::string message = "") {
      Answer a;
      a.error = error;
      a.message = std::move(message);
      return a;
    }
    static Answer silence() {
      Answer a;
      a.respond = false;
      return a;
    }
    static Answer drop_connection() {
      Answer a;
      a.respond = false;
      a.drop = true;
      return a;
    }
    Answer held() && {
      hold = true;
      return std::move(*this);
    }
    Answer then_release_held() && {
      release_held = true;
      return std::move(*this);
    }
    Answer after(std::chrono::milliseconds d) && {
      delay = d;
      return std::move(*this);
    }
  };

  using Handler = std::function<Answer(const Request&)>;

  FakeBroker();
  ~FakeBroker();
  FakeBroker(const FakeBroker&) = delete;
  FakeBroker& operator=(const FakeBroker&) = delete;

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  // Replaces the handler of `api`.
  void on(protocol::ApiKey api, Handler handler);
  // A topic the default Metadata handler describes, with partitions 0 .. partitions-1.
  void add_topic(const std::string& name, int32_t partitions);
  // What the default ApiVersions handler advertises as max batch bytes (v1; 8 MiB unless set).
  void set_max_batch_bytes(uint32_t bytes);
  void set_max_frame_bytes(uint32_t bytes);

  // Closes every connection open now (as a broker restart would).
  void drop_connections();

  // Every request received with this key so far, in arrival order.
  std::vector<Request> requests(protocol::ApiKey api) const;
  size_t count(protocol::ApiKey api) const;
  // Connections accepted so far.
  int connections() const;
  // Waits until `n` requests with this key have arrived; false after `limit`.
  bool wait_for_requests(protocol::ApiKey api, size_t n,
                         std::chrono::milliseconds limit = std::chrono::seconds(10)) const;

 private:
  struct Held {
    uint32_t correlation_id;
    uint16_t version;
    Answer answer;
  };

  void accept_loop();
  void serve(int fd, int id);
  Answer handle(const Request& request);
  Answer default_answer(const Request& request);

  int listener_ = -1;
  uint16_t port_ = 0;
  std::thread acceptor_;

  mutable std::mutex mu_;  // guards everything below, and serializes handlers
  mutable std::condition_variable arrived_;
  bool stopping_ = false;
  std::map<protocol::ApiKey, Handler> handlers_;
  std::map<std::string, int32_t> topics_;
  uint32_t max_batch_bytes_ = 8u << 20;
  uint32_t max_frame_bytes_ = 64u << 20;
  int64_t next_producer_id_ = 1000;
  std::vector<Request> requests_;
  std::vector<int> sockets_;
  std::vector<std::thread> threads_;
  int accepted_ = 0;
  std::mutex handler_mu_;  // one handler at a time
};

}  // namespace cairn::testing
