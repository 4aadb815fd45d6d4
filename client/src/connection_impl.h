#pragma once

// Connection::Impl: a connection's state on its I/O thread (connection.h): the socket (and TLS
// stream), the requests written and awaiting their answers in order, the frames read and matched
// to them, the request-timeout ticker. Private to client/src/connection.cc, which includes it.

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "client/src/connection.h"
#include "client/src/batch_buffer_pool.h"
#include "client/src/wire_status.h"
#include "protocol/byte_io.h"

namespace cairn::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

// Everything here runs on the I/O thread, except where a method says it posts there.
struct Connection::Impl : std::enable_shared_from_this<Impl> {
  static constexpr uint32_t kMaxResponseBytes = 1u << 30;
  // The first response answers ApiVersions, a few hundred bytes: anything near this is another
  // protocol (a Kafka broker's big-endian length, say), caught before a large allocation.
  static constexpr uint32_t kMaxFirstResponseBytes = 1u << 20;
  static constexpr size_t kMaxWriteBatch = 64;

  explicit Impl(ConnectionOptions o)
      : options(std::move(o)), work(ctx.get_executor()), socket(ctx), ticker(ctx) {}

  struct Pending {
    uint32_t correlation_id;
    SteadyTime deadline;
    RawCallback done;
  };
  struct Outgoing {
    Frame frame;
    RawCallback oneway_done;  // set for requests without a response
  };

  ConnectionOptions options;
  asio::io_context ctx;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  tcp::socket socket;
  // Over TLS: the context and the stream over `socket`, which every read and write then uses.
  std::optional<asio::ssl::context> tls_context;
  std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
  asio::steady_timer ticker;
  std::thread thread;
  std::deque<Pending> pending;
  std::deque<Outgoing> outbox;
  bool writing = false;
  uint32_t next_id = 1;
  std::array<std::byte, 4> length_buf{};
  // What frames are read into: a fetch answer of megabytes in fresh memory would be fresh pages.
  const std::shared_ptr<BatchBufferPool> frames =
      BatchBufferPool::create(4, size_t{64} << 10, size_t{64} << 20);
  bool first_frame = true;  // the ApiVersions answer: small, and where a wrong peer shows

  mutable std::mutex mu;  // guards `failed` for health() from other threads
  Status failed;
  std::atomic<size_t> in_flight{0};
  std::atomic<size_t> posted{0};  // requests posted by send() and not queued yet
  bool stopped = false;           // I/O thread only

  Status failure() const {
    std::lock_guard lock(mu);
    return failed;
  }

  void fail(const Status& why) {
    {
      std::lock_guard lock(mu);
      if (!failed.is_ok()) return;
      failed = why;
    }
    boost::system::error_code ec;
    socket.close(ec);
    ticker.cancel();
    auto p = std::move(pending);
    auto o = std::move(outbox);
    pending.clear();
    outbox.clear();
    in_flight = 0;
    for (auto& x : p) x.done(why);
    for (auto& x : o) {
      if (x.oneway_done) x.oneway_done(why);
    }
  }

  void enqueue(Frame frame, bool expect_response, RawCallback done) {
    if (Status f = failure(); !f.is_ok()) return done(f);
    uint32_t id = next_id++;
    protocol::store_le<uint32_t>(frame.bytes.data() + protocol::frame::kCorrelationIdAt, id);
    if (expect_response) {
      pending.push_back(
          {id, std::chrono::steady_clock::now() + options.request_timeout, std::move(done)});
      ++in_flight;
      outbox.push_back({std::move(frame), nullptr});
    } else {
      outbox.push_back({std::move(frame), std::move(done)});
    }
    start_write();
  }

  void start_write() {
    if (writing || outbox.empty()) return;
    writing = true;
    size_t n = std::min(outbox.size(), kMaxWriteBatch);
    // Each frame goes as its own bytes with its external bytes gathered in between.
    std::vector<asio::const_buffer> buffers;
    for (size_t i = 0; i < n; ++i) {
      const Frame& f = outbox[i].frame;
      size_t from = 0;
      for (const auto& x : f.external) {
        buffers.push_back(asio::buffer(f.bytes.data() + from, x.at - from));
        buffers.push_back(asio::buffer(*f.sources[x.id]));
        from = x.at;
      }
      buffers.push_back(asio::buffer(f.bytes.data() + from, f.bytes.size() - from));
    }
    auto written = [self = shared_from_this(), n](boost::system::error_code ec, size_t) {
      self->writing = false;
      if (ec) return self->fail(Status::unavailable("write to broker: " + ec.message()));
      for (size_t i = 0; i < n && !self->outbox.empty(); ++i) {
        auto done = std::move(self->outbox.front().oneway_done);
        self->outbox.pop_front();
        if (done) done(Reply<protocol::Bytes>{{}, nullptr});
      }
      self->start_write();
    };
    if (!tls) {
      asio::async_write(socket, buffers, std::move(written));
      return;
    }
    // One buffer: TLS would otherwise make a record of each piece.
    auto joined = std::make_shared<std::vector<std::byte>>(asio::buffer_size(buffers));
    asio::buffer_copy(asio::buffer(*joined), buffers);
    asio::async_write(
        *tls, asio::buffer(*joined),
        [joined, written = std::move(written)](boost::system::error_code ec, size_t bytes) mutable {
          written(ec, bytes);
        });
  }

  // Reads exactly `buffer`, through TLS when the connection has it.
  template <typename Handler>
  void read_exact(asio::mutable_buffer buffer, Handler handler) {
    if (tls) {
      asio::async_read(*tls, buffer, std::move(handler));
    } else {
      asio::async_read(socket, buffer, std::move(handler));
    }
  }

  void read_next() {
    read_exact(asio::buffer(length_buf), [self = shared_from_this()](boost::system::error_code ec,
                                                                     size_t) {
      if (ec) return self->fail(Status::unavailable("connection to broker lost: " + ec.message()));
      uint32_t length = protocol::load_le<uint32_t>(self->length_buf.data());
      uint32_t limit = self->first_frame ? kMaxFirstResponseBytes : kMaxResponseBytes;
      self->first_frame = false;
      if (length < protocol::frame::kMinResponseSize || length > limit) {
        return self->fail(Status::unavailable(self->not_a_frame(length)));
      }
      self->read_body(length);
    });
  }

  // Why a frame length is impossible, saying what the peer looks like when its first bytes
  // tell: text ("HTTP/1.1 ...": a web server) or a big-endian length (a Kafka broker).
  std::string not_a_frame(uint32_t length) const {
    const auto* b = reinterpret_cast<const unsigned char*>(length_buf.data());
    std::string text(reinterpret_cast<const char*>(b), 4);
    bool printable =
        std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
    std::string where = options.broker + " is not a Cairn broker";
    if (printable) {
      return where + ": it answered with text '" + text + "...'" +
             (text == "HTTP" ? " (this looks like an HTTP server)" : "");
    }
    if (b[0] == 0 && b[1] == 0) {
      return where + ": its frames carry big-endian lengths (this looks like a Kafka broker)";
    }
    return "broker sent a frame of " + std::to_string(length) + " bytes";
  }

  void read_body(uint32_t length) {
    auto frame = std::make_shared<std::vector<std::byte>>(frames->take());
    frame->resize(length);
    read_exact(asio::buffer(*frame), [self = shared_from_this(), frame](
                                         boost::system::error_code ec, size_t) {
      if (ec) return self->fail(Status::unavailable("connection to broker lost: " + ec.message()));
      self->on_frame(self->frames->share(std::move(*frame)));
    });
  }

  void on_frame(std::shared_ptr<const std::vector<std::byte>> frame) {
    auto decoded = protocol::decode_response(*frame);
    if (!decoded)
      return fail(Status::unavailable("malformed response: " + decoded.error().message()));
    if (pending.empty() || pending.front().correlation_id != decoded->correlation_id) {
      return fail(Status::unavailable("response " + std::to_string(decoded->correlation_id) +
                                      " does not match the oldest request"));
    }
    auto done = std::move(pending.front().done);
    pending.pop_front();
    --in_flight;
    if (decoded->error != protocol::ErrorCode::kNone) {
      done(to_status(decoded->error, "broker", decoded->message));
    } else {
      done(Reply<protocol::Bytes>{decoded->body, std::move(frame)});
    }
    if (failure().is_ok()) read_next();
  }

  // Closes everything for good, whatever state the connection is in.
  void stop(const Status& why) {
    stopped = true;
    fail(why);
    boost::system::error_code ignored;
    socket.close(ignored);
    ticker.cancel();
  }

  void tick() {
    ticker.expires_after(std::chrono::milliseconds(50));
    ticker.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (ec || self->stopped || !self->failure().is_ok()) return;
      if (!self->pending.empty() &&
          std::chrono::steady_clock::now() > self->pending.front().deadline) {
        return self->fail(Status::timed_out("no response from the broker within " +
                                            std::to_string(self->options.request_timeout.count()) +
                                            " ms"));
      }
      self->tick();
    });
  }
};

}  // namespace cairn::client
