#include "broker/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "broker/http/standard_routes.h"
#include "broker/metrics/catalogue.h"
#include "tests/support/http_client.h"

namespace cairn::broker::http {
namespace {

using namespace std::chrono_literals;
using testing::HttpConnection;
using testing::http_get;

ServerOptions test_options() {
  ServerOptions o;
  o.port = 0;
  return o;
}

// A started server on an ephemeral loopback port.
std::unique_ptr<Server> start(Router router, ServerOptions options = test_options()) {
  auto server = std::make_unique<Server>(std::move(router), options);
  Status s = server->start();
  EXPECT_TRUE(s.is_ok()) << s.message();
  return server;
}

Router echo_router() {
  Router router;
  router.add(Method::kGet, "/hello", SyncHandler([](const Request&) {
               return Response::text(200, "hello, world\n");
             }));
  router.add(Method::kPost, "/echo/{what}", SyncHandler([](const Request& r) {
               return Response::json(201, "{\"what\":\"" + r.path_params.at("what") +
                                              "\",\"body\":\"" + r.body + "\",\"q\":\"" +
                                              r.query_param("q").value_or("") + "\"}");
             }));
  return router;
}

TEST(HttpServerTest, ARouteAnswersWithItsStatusContentTypeAndBody) {
  auto server = start(echo_router());
  auto r = http_get(server->port(), "/hello");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r->body, "hello, world\n");

  HttpConnection c(server->port());
  auto posted = c.request("POST", "/echo/it?q=a%20b", "payload");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 201);
  EXPECT_EQ(posted->body, R"({"what":"it","body":"payload","q":"a b"})");
}

TEST(HttpServerTest, HeadGetsTheHeadersOfGetWithoutTheBody) {
  auto server = start(echo_router());
  HttpConnection c(server->port());
  auto head = c.request("HEAD", "/hello");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "13");
  // The connection is still in step: the next response is the next request's, not a body.
  auto get = c.request("GET", "/hello");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, "hello, world\n");
}

TEST(HttpServerTest, AnUnknownPathIs404AndAnotherMethodIs405WithAllow) {
  auto server = start(echo_router());
  HttpConnection c(server->port());
  auto missing = c.request("GET", "/nothing/here");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("\"not_found\""), std::string::npos);
  auto wrong = c.request("DELETE", "/hello");
  ASSERT_TRUE(wrong);
  EXPECT_EQ(wrong->status, 405);
  EXPECT_EQ(wrong->header("allow"), "GET, HEAD");
}

TEST(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  auto server = start(echo_router());
  HttpConnection c(server->port());
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("GET", "/hello");
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(r->status, 200);
  }
  auto last = c.request("GET", "/hello", "", "Connection: close\r\n");
  ASSERT_TRUE(last);
  EXPECT_EQ(last->header("connection"), "close");
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServerTest, ABodyPastTheLimitIs413AndClosesTheConnection) {
  ServerOptions options = test_options();
  options.max_body_bytes = 100;
  auto server = start(echo_router(), options);
  HttpConnection c(server->port());
  ASSERT_TRUE(c.send_raw("POST /echo/x HTTP/1.1\r\nHost: a\r\nContent-Length: 101\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_TRUE(c.closed_by_peer());
  // At the limit is fine.
  HttpConnection d(server->port());
  auto ok = d.request("POST", "/echo/x", std::string(100, 'b'));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 201);
}

TEST(HttpServerTest, AHeaderPastTheLimitIs431AndClosesTheConnection) {
  ServerOptions options = test_options();
  options.max_header_bytes = 1024;
  auto server = start(echo_router(), options);
  HttpConnection c(server->port());
  ASSERT_TRUE(c.send_raw("GET /hello HTTP/1.1\r\nHost: a\r\nX-Big: " + std::string(2000, 'x') +
                         "\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 431);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServerTest, ARequestThatIsNotHttpIs400AndClosesTheConnection) {
  auto server = start(echo_router());
  HttpConnection c(server->port());
  ASSERT_TRUE(c.send_raw("this is not http\r\n\r\n"));
  auto r = c.read_response();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServerTest, AConnectionPastTheLimitGets503AndAFreedPlaceIsTakenAgain) {
  ServerOptions options = test_options();
  options.max_connections = 2;
  auto server = start(echo_router(), options);
  auto first = std::make_unique<HttpConnection>(server->port());
  HttpConnection second(server->port());
  ASSERT_TRUE(first->request("GET", "/hello"));
  ASSERT_TRUE(second.request("GET", "/hello"));
  HttpConnection third(server->port());
  auto refused = third.read_response();
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_TRUE(third.closed_by_peer());

  first.reset();
  // The server notices the close on its own time: retry until it has.
  auto deadline = std::chrono::steady_clock::now() + 10s;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = http_get(server->port(), "/hello");
    if (r && r->status == 200) {
      status = 200;
      break;
    }
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(status, 200);
}

TEST(HttpServerTest, AConnectionThatSendsNothingIsClosedAfterTheReadTimeout) {
  ServerOptions options = test_options();
  options.read_timeout = 200ms;
  auto server = start(echo_router(), options);
  HttpConnection c(server->port());
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer(10s));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 150ms);
}

TEST(HttpServerTest, AnIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout) {
  ServerOptions options = test_options();
  options.idle_timeout = 200ms;
  auto server = start(echo_router(), options);
  HttpConnection c(server->port());
  ASSERT_TRUE(c.request("GET", "/hello"));
  auto begin = std::chrono::steady_clock::now();
  EXPECT_TRUE(c.closed_by_peer(10s));
  EXPECT_GE(std::chrono::steady_clock::now() - begin, 150ms);
}

TEST(HttpServerTest, AnAnswerFromAnotherThreadLaterIsWaitedFor) {
  Router router;
  std::vector<std::thread> workers;
  router.add(Method::kGet, "/later", Handler([&workers](const Request&, Responder respond) {
               workers.emplace_back([respond = std::move(respond)]() mutable {
                 std::this_thread::sleep_for(50ms);
                 respond(Response::text(200, "later\n"));
               });
             }));
  auto server = start(std::move(router));
  auto r = http_get(server->port(), "/later");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "later\n");
  for (auto& w : workers) w.join();
}

TEST(HttpServerTest, AHandlerThatNeverAnswersGets503AfterTheHandlerTimeout) {
  Router router;
  std::mutex mutex;
  std::vector<Responder> kept;
  router.add(Method::kGet, "/never", Handler([&](const Request&, Responder respond) {
               std::lock_guard lock(mutex);
               kept.push_back(std::move(respond));
             }));
  ServerOptions options = test_options();
  options.handler_timeout = 200ms;
  auto server = start(std::move(router), options);
  HttpConnection c(server->port());
  auto r = c.request("GET", "/never");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("\"timeout\""), std::string::npos);
  // The late answer is dropped; the connection serves the next request normally.
  {
    std::lock_guard lock(mutex);
    kept.front()(Response::text(200, "too late"));
  }
  auto again = c.request("GET", "/never");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 503);
}

TEST(HttpServerTest, AResponderDroppedWithoutAnAnswerGives500) {
  Router router;
  router.add(Method::kGet, "/drop", Handler([](const Request&, Responder) {}));
  auto server = start(std::move(router));
  auto r = http_get(server->port(), "/drop");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
}

TEST(HttpServerTest, AHandlerThatThrowsGives500AndTheServerGoesOn) {
  Router router = echo_router();
  router.add(Method::kGet, "/throw", SyncHandler([](const Request&) -> Response {
               throw std::runtime_error("boom");
             }));
  auto server = start(std::move(router));
  auto r = http_get(server->port(), "/throw");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  auto next = http_get(server->port(), "/hello");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST(HttpServerTest, AResponderThatOutlivesTheServerIsHarmless) {
  Router router;
  std::optional<Responder> kept;
  std::atomic<bool> got{false};
  router.add(Method::kGet, "/keep", Handler([&](const Request&, Responder respond) {
               kept.emplace(std::move(respond));
               got = true;
             }));
  auto server = start(std::move(router));
  HttpConnection c(server->port());
  ASSERT_TRUE(c.send_raw("GET /keep HTTP/1.1\r\nHost: a\r\n\r\n"));
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!got && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  ASSERT_TRUE(got);
  server.reset();  // stops with the request still waiting
  (*kept)(Response::text(200, "nobody listens"));
  kept.reset();
  EXPECT_TRUE(c.closed_by_peer());
}

TEST(HttpServerTest, StopClosesOpenConnectionsAndTheListener) {
  auto server = start(echo_router());
  uint16_t port = server->port();
  HttpConnection c(port);
  ASSERT_TRUE(c.request("GET", "/hello"));
  server->stop();
  EXPECT_TRUE(c.closed_by_peer());
  HttpConnection after(port);
  EXPECT_FALSE(after.connected());
}

TEST(HttpServerTest, StartFailsWhenThePortIsTaken) {
  auto first = start(echo_router());
  ServerOptions options = test_options();
  options.port = first->port();
  Server second(echo_router(), options);
  Status s = second.start();
  EXPECT_EQ(s.code(), Status::Code::kUnavailable);
  EXPECT_NE(s.message().find("cannot listen"), std::string::npos);
}

TEST(HttpServerTest, StartRejectsAHostThatIsNotAnAddress) {
  ServerOptions options = test_options();
  options.host = "not an address";
  Server server(echo_router(), options);
  EXPECT_EQ(server.start().code(), Status::Code::kInvalidArgument);
}

TEST(HttpServerTest, StaticFilesAreServedWithTheirContentType) {
  static constexpr StaticFile kFiles[] = {
      {"/index.html", "text/html; charset=utf-8", "<!doctype html><title>x</title>"},
      {"/app.css", "text/css; charset=utf-8", "body{}"},
  };
  Router router;
  router.set_static_files(kFiles);
  auto server = start(std::move(router));
  auto index = http_get(server->port(), "/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_EQ(index->header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index->body, "<!doctype html><title>x</title>");
  auto css = http_get(server->port(), "/app.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->header("content-type"), "text/css; charset=utf-8");
}

TEST(StandardRoutesTest, HealthzIsOkAndReadyzFollowsTheProbe) {
  std::atomic<bool> ready{false};
  Router router;
  add_health_routes(router, [&ready]() -> Readiness {
    if (ready) return {true, ""};
    return {false, "recovering 3 of 12 partitions"};
  });
  auto server = start(std::move(router));
  auto health = http_get(server->port(), "/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto not_ready = http_get(server->port(), "/readyz");
  ASSERT_TRUE(not_ready);
  EXPECT_EQ(not_ready->status, 503);
  EXPECT_EQ(not_ready->body, "not ready: recovering 3 of 12 partitions\n");
  ready = true;
  auto now_ready = http_get(server->port(), "/readyz");
  ASSERT_TRUE(now_ready);
  EXPECT_EQ(now_ready->status, 200);
  EXPECT_EQ(now_ready->body, "ready\n");
}

TEST(StandardRoutesTest, MetricsServesTheRegistryInTheTextFormat) {
  metrics::Registry registry({.shard_count = 2});
  metrics::Counter records = registry.counter(metrics::catalogue::kRecordsIn, {"orders"});
  records.inc(1, 42);
  Router router;
  add_metrics_route(router, registry);
  auto server = start(std::move(router));
  auto r = http_get(server->port(), "/metrics");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(r->body.find("cairn_records_in_total{topic=\"orders\"} 42\n"), std::string::npos);
  records.inc(0, 8);
  auto again = http_get(server->port(), "/metrics");
  ASSERT_TRUE(again);
  EXPECT_NE(again->body.find("cairn_records_in_total{topic=\"orders\"} 50\n"), std::string::npos);
}

}  // namespace
}  // namespace cairn::broker::http
