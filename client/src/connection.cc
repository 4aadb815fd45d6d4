#include "client/src/connection.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include "client/src/broker_list.h"
#include "client/src/wire_status.h"
#include "protocol/byte_io.h"
#include "tls/tls_context.h"

namespace cairn::client {

namespace asio = boost::asio;
using asio::ip::tcp;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

constexpr uint32_t kMaxResponseBytes = 1u << 30;
// The first response answers ApiVersions, a few hundred bytes: anything near this is another
// protocol (a Kafka broker's big-endian length, say), caught before a large allocation.
constexpr uint32_t kMaxFirstResponseBytes = 1u << 20;
constexpr size_t kMaxWriteBatch = 64;

}  // namespace

// Everything here runs on the I/O thread, except where a method says it posts there.
struct Connection::Impl : std::enable_shared_from_this<Impl> {
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
    auto frame = std::make_shared<std::vector<std::byte>>(length);
    read_exact(asio::buffer(*frame), [self = shared_from_this(), frame](
                                         boost::system::error_code ec, size_t) {
      if (ec) return self->fail(Status::unavailable("connection to broker lost: " + ec.message()));
      self->on_frame(frame);
    });
  }

  void on_frame(std::shared_ptr<std::vector<std::byte>> frame) {
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

Connection::Connection(ConnectionOptions options) : options_(std::move(options)) {}

Connection::~Connection() {
  if (!impl_) return;
  auto impl = impl_;
  asio::post(impl->ctx, [impl] { impl->stop(Status::unavailable("connection closed")); });
  impl->work.reset();
  if (!impl->thread.joinable()) return;
  // Destroyed by a callback on its own I/O thread (its owner's last reference was there): that
  // thread cannot wait for itself; it finishes the stop on its own, and the handlers keep Impl.
  if (impl->thread.get_id() == std::this_thread::get_id()) {
    impl->thread.detach();
  } else {
    impl->thread.join();
  }
}

void Connection::note_error(protocol::ErrorCode error) {
  if (error != protocol::ErrorCode::kNotLeader || !impl_) return;
  asio::post(impl_->ctx, [impl = impl_, broker = options_.broker] {
    impl->stop(Status::unavailable(broker + " is not the leader"));
  });
}

Status Connection::health() const {
  return impl_ ? impl_->failure() : Status::unavailable("not connected");
}

size_t Connection::in_flight() const { return impl_ ? impl_->in_flight.load() : 0; }

void Connection::send(Frame frame, bool expect_response, RawCallback done) {
  for (const auto& x : frame.external) {
    if (x.id >= frame.sources.size() || !frame.sources[x.id] ||
        frame.sources[x.id]->size() != x.size) {
      return done(Status::invalid_argument("a request's external bytes do not match its fields"));
    }
  }
  // On the I/O thread (a callback sending the next request), queued and written at once rather
  // than after a post, unless requests posted from other threads are still to be queued (they
  // were made first) or the connection failed (enqueue() would answer `done` inline).
  if (impl_->ctx.get_executor().running_in_this_thread() && impl_->posted == 0 &&
      impl_->failure().is_ok()) {
    impl_->enqueue(std::move(frame), expect_response, std::move(done));
    return;
  }
  ++impl_->posted;
  asio::post(impl_->ctx, [impl = impl_, frame = std::move(frame), expect_response,
                          done = std::move(done)]() mutable {
    --impl->posted;
    impl->enqueue(std::move(frame), expect_response, std::move(done));
  });
}

// `options.broker` may list several addresses (comma-separated): each is tried in turn, and a
// failure to connect to one moves on to the next. The last failure is the answer when none
// connects.
Result<std::unique_ptr<Connection>> Connection::connect(const ConnectionOptions& options) {
  auto addresses = parse_broker_list(options.broker);
  if (!addresses) return addresses.error();
  if (options.find_leader) return connect_to_leader(options, std::move(*addresses));
  Status last = Status::ok();
  for (const auto& address : *addresses) {
    ConnectionOptions one = options;
    one.broker = address;
    auto conn = connect_one(one);
    if (conn) return conn;
    last = conn.error();
  }
  return last;
}

Result<std::unique_ptr<Connection>> Connection::connect_one(const ConnectionOptions& options) {
  auto colon = options.broker.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::invalid_argument("broker address '" + options.broker + "' is not HOST:PORT");
  }
  std::string host = options.broker.substr(0, colon);
  std::string port = options.broker.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);

  std::unique_ptr<Connection> conn(new Connection(options));
  auto impl = std::make_shared<Impl>(options);
  if (options.tls.enabled) {
    tls::ClientTlsOptions o;
    if (!options.tls.ca_file.empty()) o.ca_file = options.tls.ca_file;
    o.server_host = options.tls.server_name.empty() ? host : options.tls.server_name;
    if (!options.tls.certificate_file.empty()) o.certificate_file = options.tls.certificate_file;
    if (!options.tls.private_key_file.empty()) o.private_key_file = options.tls.private_key_file;
    auto context = tls::make_client_context(o);
    if (!context) return context.error();
    impl->tls_context.emplace(std::move(*context));
    impl->tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(impl->socket, *impl->tls_context);
    CAIRN_RETURN_IF_ERROR(tls::set_server_name(impl->tls->native_handle(), o.server_host));
  }
  conn->impl_ = impl;
  impl->thread = std::thread([impl] { impl->ctx.run(); });

  std::promise<Status> connected;
  auto result = connected.get_future();
  asio::post(impl->ctx, [impl, host, port, &connected] {
    auto resolver = std::make_shared<tcp::resolver>(impl->ctx);
    auto timer = std::make_shared<asio::steady_timer>(impl->ctx, impl->options.connect_timeout);
    auto done = std::make_shared<bool>(false);
    auto finish = [impl, timer, done, &connected](Status s) {
      if (*done) return;
      *done = true;
      timer->cancel();
      connected.set_value(std::move(s));
    };
    timer->async_wait([impl, finish, done](boost::system::error_code ec) {
      if (ec || *done) return;  // cancelled, or the connect won the race
      boost::system::error_code ignored;
      impl->socket.close(ignored);
      finish(Status::unavailable("cannot reach broker at " + impl->options.broker + ": timed out"));
    });
    resolver->async_resolve(
        host, port,
        [impl, resolver, finish](boost::system::error_code ec,
                                 const tcp::resolver::results_type& endpoints) {
          if (ec)
            return finish(Status::unavailable("cannot resolve " + impl->options.broker + ": " +
                                              ec.message()));
          asio::async_connect(
              impl->socket, endpoints,
              [impl, finish](boost::system::error_code ec, const tcp::endpoint&) {
                if (ec) {
                  return finish(Status::unavailable("cannot reach broker at " +
                                                    impl->options.broker + ": " + ec.message()));
                }
                boost::system::error_code ignored;
                impl->socket.set_option(tcp::no_delay(true), ignored);
                if (!impl->tls) {
                  impl->read_next();
                  impl->tick();
                  return finish(Status::ok());
                }
                impl->tls->async_handshake(
                    asio::ssl::stream_base::client, [impl, finish](boost::system::error_code ec) {
                      if (ec) {
                        std::string why = tls::verify_failure(impl->tls->native_handle());
                        return finish(
                            Status::unavailable("TLS handshake with " + impl->options.broker +
                                                " failed: " + (why.empty() ? ec.message() : why)));
                      }
                      impl->read_next();
                      impl->tick();
                      finish(Status::ok());
                    });
              });
        });
  });
  Status s = result.get();
  if (!s.is_ok()) return s;

  CAIRN_RETURN_IF_ERROR(conn->negotiate());
  if (!options.sasl.mechanism.empty()) CAIRN_RETURN_IF_ERROR(conn->authenticate());
  return conn;
}

// Asks ApiVersions v1, for the broker's batch limit. A broker that knows only v0 answers in the
// v0 layout (PROTOCOL.md, "ApiVersions"), which then leaves max_batch_bytes at 0.
//
// The answer must come within connect_timeout, as part of connecting: a listener that accepts
// and says nothing (not a Cairn broker, or a hung one) fails the connect then, not after the
// longer request timeout.
Status Connection::negotiate() {
  auto promise = std::make_shared<std::promise<Result<Reply<protocol::Bytes>>>>();
  auto future = promise->get_future();
  send(encode(protocol::ApiKey::kApiVersions, protocol::ApiVersionsRequest{}, {.version = 1}),
       /*expect_response=*/true,
       [promise](Result<Reply<protocol::Bytes>> r) { promise->set_value(std::move(r)); });
  if (future.wait_for(options_.connect_timeout) != std::future_status::ready) {
    Status why = Status::timed_out(
        options_.broker + " accepted the connection but did not answer within " +
        std::to_string(options_.connect_timeout.count()) + " ms: is it a Cairn broker?");
    asio::post(impl_->ctx, [impl = impl_, why] { impl->stop(why); });
    return why;
  }
  auto raw = future.get();
  if (!raw) {
    if (raw.error().message().find("connection to broker lost") == 0) {
      return Status::unavailable(
          options_.broker +
          " closed the connection without answering ApiVersions: is it a Cairn broker?");
    }
    if (raw.error().message().find(" is not a Cairn broker") != std::string::npos)
      return raw.error();
    return raw.error().with_context("ApiVersions");
  }
  auto v1 = protocol::ApiVersionsResponse::decode(raw->body, 1);
  if (v1) {
    broker_info_ = std::move(*v1);
    return Status::ok();
  }
  auto v0 = protocol::ApiVersionsResponse::decode(raw->body, 0);
  if (!v0) return v1.error().with_context("ApiVersions: malformed response");
  broker_info_ = std::move(*v0);
  return Status::ok();
}

uint16_t Connection::version_for(protocol::ApiKey api, uint16_t wanted) const {
  for (const auto& range : broker_info_.apis) {
    if (range.api_key == static_cast<uint16_t>(api)) return std::min(wanted, range.max_version);
  }
  return 0;
}

RequestOptions Connection::metadata_options() const {
  return {.version = version_for(protocol::ApiKey::kMetadata, 2)};
}

}  // namespace cairn::client
