#include <utility>  // before Asio's awaitable.hpp: Boost 1.74 needs it under g++ 12

#include "broker/http/server.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <thread>
#include <unordered_set>
#include <variant>

namespace cairn::broker::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;

// The meeting point of a request's handler (any thread) and its connection (the server's
// thread). It holds no Asio object, so a responder may outlive the server: the timer it wakes
// is the connection's own, reached only on the server's thread and only while it waits.
struct detail::PendingResponse {
  std::weak_ptr<Server::Core> core;
  asio::steady_timer* timer = nullptr;  // the waiting connection's; null once it stops waiting
  std::optional<Response> response;
  bool finished = false;
};

struct Server::Core : std::enable_shared_from_this<Core> {
  Core(Router r, ServerOptions o) : router(std::move(r)), options(std::move(o)) {}

  // Declared before the io_context so that they outlive the coroutine frames it destroys.
  Router router;
  ServerOptions options;
  size_t connections = 0;                          // server thread only
  std::unordered_set<beast::tcp_stream*> streams;  // server thread only
  bool stopping = false;                           // server thread only
  std::atomic<uint16_t> port{0};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::thread thread;
};

namespace {

Method method_of(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::delete_: return Method::kDelete;
    default: return Method::kOther;
  }
}

// While a connection lives: counted, and reachable by stop().
class ConnectionGuard {
 public:
  ConnectionGuard(Server::Core* core, beast::tcp_stream* stream) : core_(core), stream_(stream) {
    core_->streams.insert(stream_);
  }
  ~ConnectionGuard() {
    core_->streams.erase(stream_);
    --core_->connections;
  }
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

 private:
  Server::Core* core_;
  beast::tcp_stream* stream_;
};

// Marks a pending response finished when its connection stops waiting, however it stops.
class WaitGuard {
 public:
  explicit WaitGuard(detail::PendingResponse* pending) : pending_(pending) {}
  ~WaitGuard() {
    pending_->timer = nullptr;
    pending_->finished = true;
  }
  WaitGuard(const WaitGuard&) = delete;
  WaitGuard& operator=(const WaitGuard&) = delete;

 private:
  detail::PendingResponse* pending_;
};

Response from_file(const StaticFile& file) {
  Response r;
  r.content_type = std::string(file.content_type);
  r.body = std::string(file.bytes);
  r.headers.emplace_back("Cache-Control", "no-cache");
  return r;
}

awaitable<Response> run_handler(Server::Core* core, const Handler& handler, Request request) {
  auto pending = std::make_shared<detail::PendingResponse>();
  pending->core = core->weak_from_this();
  asio::steady_timer timer(co_await asio::this_coro::executor);
  timer.expires_after(core->options.handler_timeout);
  pending->timer = &timer;
  WaitGuard guard(pending.get());
  try {
    handler(request, Responder(pending));
  } catch (const std::exception& e) {
    spdlog::warn("http: the handler of {} threw: {}", request.path, e.what());
    pending->response = Response::error(500, "internal", "the handler failed");
  }
  if (!pending->response) {
    beast::error_code ec;
    co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (!pending->response) {
    co_return Response::error(503, "timeout", "the broker did not answer in time");
  }
  co_return std::move(*pending->response);
}

awaitable<Response> answer(Server::Core* core, const bhttp::request<bhttp::string_body>& req) {
  Method method = method_of(req.method());
  std::string_view target(req.target().data(), req.target().size());
  if (target.empty() || target.front() != '/') {
    co_return Response::error(400, "bad_request", "the request target is not a path");
  }
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  Router::Route route = core->router.route(method, path);
  if (std::holds_alternative<Router::BadPath>(route)) {
    co_return Response::error(400, "bad_request", "the path has a malformed escape");
  }
  if (std::holds_alternative<Router::NotFound>(route)) {
    co_return Response::error(404, "not_found", "no such path");
  }
  if (auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&route)) {
    Response r = Response::error(405, "method_not_allowed", "the path does not take this method");
    r.headers.emplace_back("Allow", not_allowed->allow);
    co_return r;
  }
  if (auto* file = std::get_if<const StaticFile*>(&route)) co_return from_file(**file);
  auto& found = std::get<Router::Found>(route);
  Request request;
  request.method = method;
  request.path = *percent_decode(path, false);  // the router checked the escapes
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  request.path_params = std::move(found.params);
  request.content_type = std::string(req[bhttp::field::content_type]);
  request.body = req.body();
  co_return co_await run_handler(core, *found.handler, std::move(request));
}

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

template <class Stream>
awaitable<void> write(Server::Core* core, Stream& stream, Response response, bool head,
                      bool keep_alive, beast::error_code& ec) {
  bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(response.status), 11};
  res.set(bhttp::field::server, "cairnd");
  res.set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) res.set(name, value);
  res.keep_alive(keep_alive);
  res.body() = std::move(response.body);
  res.prepare_payload();
  if (head) {
    size_t length = res.body().size();
    res.body().clear();
    res.content_length(length);
  }
  beast::get_lowest_layer(stream).expires_after(core->options.write_timeout);
  co_await bhttp::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
}

// Reads requests and writes answers on `stream` (plain or TLS) until the client or a limit ends
// the connection.
template <class Stream>
awaitable<void> serve_requests(Server::Core* core, Stream& stream) {
  const ServerOptions& options = core->options;
  beast::flat_buffer buffer(options.max_header_bytes + options.max_body_bytes + 16 * size_t{1024});
  bool first = true;
  for (;;) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(static_cast<uint32_t>(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(first ? options.read_timeout
                                                        : options.idle_timeout);
    co_await bhttp::async_read_header(stream, buffer, parser,
                                      asio::redirect_error(use_awaitable, ec));
    if (!ec && !parser.is_done()) {
      beast::get_lowest_layer(stream).expires_after(options.read_timeout);
      co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(use_awaitable, ec));
    }
    first = false;
    std::optional<Response> refusal;
    if (ec == bhttp::error::header_limit) {
      refusal = Response::error(431, "header_too_large", "the request header is too large");
    } else if (ec == bhttp::error::body_limit) {
      refusal = Response::error(413, "body_too_large", "the request body is too large");
    } else if (ec == bhttp::error::end_of_stream || ec == beast::error::timeout ||
               ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
               ec == asio::error::eof || core->stopping) {
      break;
    } else if (ec) {
      refusal = Response::error(400, "bad_request", "the request is not valid HTTP/1.1");
    }
    if (refusal) {
      beast::error_code write_ec;
      co_await write(core, stream, std::move(*refusal), false, false, write_ec);
      break;
    }
    const auto& req = parser.get();
    Response response = co_await answer(core, req);
    if (core->stopping) break;
    bool keep_alive = req.keep_alive();
    co_await write(core, stream, std::move(response), req.method() == bhttp::verb::head, keep_alive,
                   ec);
    if (ec || !keep_alive) break;
  }
}

awaitable<void> serve_connection(Server::Core* core, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  ConnectionGuard guard(core, &stream);
  co_await serve_requests(core, stream);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// HTTPS: the handshake within the read timeout, then requests as on a plain connection. The
// connection ends without a TLS close_notify (the client has its answers; HTTP/1.1 framing
// says where they end).
awaitable<void> serve_tls_connection(Server::Core* core, tcp::socket socket) {
  TlsStream stream(std::move(socket), *core->options.tls);
  ConnectionGuard guard(core, &beast::get_lowest_layer(stream));
  beast::error_code ec;
  beast::get_lowest_layer(stream).expires_after(core->options.read_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::server,
                                  asio::redirect_error(use_awaitable, ec));
  if (ec) {
    spdlog::debug("http: TLS handshake failed: {}", ec.message());
  } else {
    co_await serve_requests(core, stream);
  }
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_send, ignored);
}

// Past the connection limit: a short 503 written without waiting (it fits the socket's send
// buffer; if not, the client gets a bare close), then the socket is closed.
void refuse(tcp::socket socket) {
  static constexpr std::string_view kBusy =
      "HTTP/1.1 503 Service Unavailable\r\nServer: cairnd\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: 70\r\n\r\n"
      "{\"error\":{\"code\":\"busy\",\"message\":\"too many connections; try again\"}}\n";
  static_assert(kBusy.size() - kBusy.find("\r\n\r\n") - 4 == 70);
  beast::error_code ec;
  socket.non_blocking(true, ec);
  asio::write(socket, asio::buffer(kBusy.data(), kBusy.size()), ec);
  socket.shutdown(tcp::socket::shutdown_send, ec);
  socket.close(ec);
}

void log_exception(const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& x) {
    spdlog::warn("http: a connection ended with an error: {}", x.what());
  }
}

awaitable<void> accept_loop(Server::Core* core) {
  asio::steady_timer backoff(core->ioc);
  for (;;) {
    beast::error_code ec;
    tcp::socket socket =
        co_await core->acceptor.async_accept(asio::redirect_error(use_awaitable, ec));
    if (core->stopping || !core->acceptor.is_open()) co_return;
    if (ec) {
      // Out of descriptors, say: wait a little instead of spinning.
      spdlog::warn("http: accept failed: {}", ec.message());
      backoff.expires_after(std::chrono::milliseconds(100));
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    if (core->connections >= core->options.max_connections) {
      refuse(std::move(socket));
      continue;
    }
    ++core->connections;
    if (core->options.tls != nullptr) {
      asio::co_spawn(core->ioc, serve_tls_connection(core, std::move(socket)), log_exception);
    } else {
      asio::co_spawn(core->ioc, serve_connection(core, std::move(socket)), log_exception);
    }
  }
}

}  // namespace

Responder::Responder(std::shared_ptr<detail::PendingResponse> pending)
    : pending_(std::move(pending)) {}

Responder& Responder::operator=(Responder&& other) noexcept {
  if (this != &other) {
    if (pending_) (*this)(Response::error(500, "internal", "the handler gave no response"));
    pending_ = std::move(other.pending_);
  }
  return *this;
}

Responder::~Responder() {
  if (pending_) (*this)(Response::error(500, "internal", "the handler gave no response"));
}

void Responder::operator()(Response response) {
  std::shared_ptr<detail::PendingResponse> pending = std::move(pending_);
  if (!pending) return;
  std::shared_ptr<Server::Core> core = pending->core.lock();
  if (!core) return;  // the server is gone
  asio::post(core->ioc, [pending, response = std::move(response)]() mutable {
    if (pending->finished) return;  // timed out: the client has had its 503
    pending->response = std::move(response);
    if (pending->timer) pending->timer->cancel();
  });
}

Server::Server(Router router, ServerOptions options)
    : core_(std::make_shared<Core>(std::move(router), std::move(options))) {}

Server::~Server() { stop(); }

Status Server::start() {
  Core& core = *core_;
  beast::error_code ec;
  auto address = asio::ip::make_address(core.options.host, ec);
  if (ec) return Status::invalid_argument("'" + core.options.host + "' is not an IP address");
  tcp::endpoint endpoint(address, core.options.port);
  std::string where = core.options.host + ":" + std::to_string(core.options.port);
  core.acceptor.open(endpoint.protocol(), ec);
  if (!ec) core.acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) core.acceptor.bind(endpoint, ec);
  if (!ec) core.acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    core.acceptor.close(ignored);
    return Status::unavailable("cannot listen for HTTP on " + where + ": " + ec.message());
  }
  core.port = core.acceptor.local_endpoint(ec).port();
  asio::co_spawn(core.ioc, accept_loop(&core), log_exception);
  core.thread = std::thread([c = &core] {
    pthread_setname_np(pthread_self(), "cairn-http");
    c->ioc.run();
  });
  return Status::ok();
}

void Server::stop() {
  if (!core_ || !core_->thread.joinable()) return;
  asio::post(core_->ioc, [c = core_.get()] {
    c->stopping = true;
    beast::error_code ec;
    c->acceptor.close(ec);
    for (beast::tcp_stream* stream : c->streams) stream->socket().close(ec);
    c->ioc.stop();
  });
  core_->thread.join();
}

uint16_t Server::port() const { return core_->port.load(); }

}  // namespace cairn::broker::http
