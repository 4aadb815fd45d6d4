#pragma once

// Session: one client connection, on the shard that accepted it. Three coroutines share it:
// reader() cuts frames out of the byte stream (checking the length against the limit before
// allocating, and waiting for the shard's request-memory budget), starts a handler per request
// and stops at the first framing error; writer() sends responses in request order (several
// small ones per system call, fetched batches with sendfile); watchdog() closes a connection
// that is idle, or that leaves a frame half sent, for too long. Handlers may finish out of
// order; each fills its slot in the queue and wakes the writer. Held by shared_ptr: every
// coroutine and handler keeps it alive until it ends.

#include "broker/async.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "broker/outbound_frame.h"
#include "protocol/frame.h"

namespace cairn::broker {

class Broker;
class Shard;

// A request frame's bytes. Allocated without being touched, so a frame announced but not yet
// sent costs address space, not memory.
struct FrameBuffer {
  explicit FrameBuffer(size_t n) : data(std::make_unique_for_overwrite<std::byte[]>(n)), size(n) {}
  std::unique_ptr<std::byte[]> data;
  size_t size;
  protocol::MutableBytes bytes() { return {data.get(), size}; }
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(asio::ip::tcp::socket socket, Broker& broker, Shard& shard);
  ~Session();

  void start();
  // Stops reading; the connection closes once every request already read is answered.
  void shutdown();
  // Closes the connection now.
  void close(std::string_view why);

 private:
  struct Slot {
    bool ready = false;
    bool respond = true;  // false for produce with acks=0
    bool close_after = false;
    OutboundFrame frame;
  };

  // Each coroutine takes `self` as a parameter: coroutine frames copy their parameters before
  // the body first runs, which keeps the session alive from the moment it is spawned.
  awaitable<void> reader(std::shared_ptr<Session> self);
  awaitable<void> writer(std::shared_ptr<Session> self);
  awaitable<void> watchdog(std::shared_ptr<Session> self);
  awaitable<void> serve(std::shared_ptr<Session> self, std::shared_ptr<FrameBuffer> frame,
                        protocol::DecodedRequest request, std::shared_ptr<Slot> slot,
                        uint64_t budget_bytes);
  // Reads the rest of a frame, taking budget chunk by chunk as its bytes arrive, so a client
  // that announces a large frame and stalls holds only what it has sent. False if the session
  // closed meanwhile (the budget taken is released).
  awaitable<bool> read_body(FrameBuffer& frame, size_t have);
  awaitable<void> write_with_files(OutboundFrame& frame);
  awaitable<void> send_file(const storage::LogSlice& slice);
  void touch();

  asio::ip::tcp::socket socket_;
  Broker& broker_;
  Shard& shard_;
  std::string peer_;
  std::string peer_host_;
  std::deque<std::shared_ptr<Slot>> queue_;  // requests read, in order, until answered
  Notifier writer_wake_;
  asio::steady_timer watchdog_timer_;
  SteadyTime last_activity_;
  std::optional<SteadyTime> frame_started_;  // a frame has begun to arrive but is not complete
  bool read_done_ = false;
  bool closed_ = false;
};

}  // namespace cairn::broker
