#include "client/src/connection.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>

#include "client/src/broker_list.h"
#include "client/src/connection_impl.h"
#include "tls/tls_context.h"

namespace cairn::client {

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
