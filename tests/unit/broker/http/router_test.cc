#include "broker/http/router.h"

#include <gtest/gtest.h>

namespace cairn::broker::http {
namespace {

SyncHandler answer(int status) {
  return [status](const Request&) { return Response::text(status, ""); };
}

Router make_router() {
  Router router;
  router.add(Method::kGet, "/api/v1/topics", answer(200));
  router.add(Method::kPost, "/api/v1/topics", answer(201));
  router.add(Method::kGet, "/api/v1/topics/{name}", answer(200));
  router.add(Method::kDelete, "/api/v1/topics/{name}", answer(204));
  router.add(Method::kGet, "/api/v1/topics/{name}/records", answer(200));
  return router;
}

TEST(RouterTest, ALiteralPathFindsItsHandler) {
  Router router = make_router();
  EXPECT_TRUE(std::holds_alternative<Router::Found>(router.route(Method::kGet, "/api/v1/topics")));
  EXPECT_TRUE(std::holds_alternative<Router::Found>(router.route(Method::kGet, "/api/v1/topics/")));
}

TEST(RouterTest, AParameterSegmentIsHandedOverDecoded) {
  Router router = make_router();
  auto route = router.route(Method::kGet, "/api/v1/topics/odd%20name%2Fx/records");
  auto* found = std::get_if<Router::Found>(&route);
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found->params.at("name"), "odd name/x");
}

TEST(RouterTest, AKnownPathWithAnotherMethodIsNotAllowedAndSaysWhatIs) {
  Router router = make_router();
  auto route = router.route(Method::kPut, "/api/v1/topics/orders");
  auto* not_allowed = std::get_if<Router::MethodNotAllowed>(&route);
  ASSERT_NE(not_allowed, nullptr);
  EXPECT_EQ(not_allowed->allow, "GET, HEAD, DELETE");
}

TEST(RouterTest, HeadIsAnsweredByTheGetRoute) {
  Router router = make_router();
  EXPECT_TRUE(std::holds_alternative<Router::Found>(router.route(Method::kHead, "/api/v1/topics/x")));
}

TEST(RouterTest, AnUnknownPathIsNotFound) {
  Router router = make_router();
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.route(Method::kGet, "/api/v2/topics")));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(
      router.route(Method::kGet, "/api/v1/topics/a/records/more")));
}

TEST(RouterTest, AMalformedEscapeIsABadPath) {
  Router router = make_router();
  EXPECT_TRUE(std::holds_alternative<Router::BadPath>(router.route(Method::kGet, "/api/v1/topics/%zz")));
  EXPECT_TRUE(std::holds_alternative<Router::BadPath>(router.route(Method::kGet, "/api/v1/topics/%4")));
}

TEST(RouterTest, StaticFilesAnswerGetAndHeadWhenNoRouteMatchesAndRootIsTheIndex) {
  static constexpr StaticFile kFiles[] = {
      {"/index.html", "text/html; charset=utf-8", "<html></html>"},
      {"/js/main.js", "text/javascript; charset=utf-8", "export {}"},
  };
  Router router = make_router();
  router.set_static_files(kFiles);
  auto root = router.route(Method::kGet, "/");
  ASSERT_TRUE(std::holds_alternative<const StaticFile*>(root));
  EXPECT_EQ(std::get<const StaticFile*>(root)->path, "/index.html");
  EXPECT_TRUE(std::holds_alternative<const StaticFile*>(router.route(Method::kHead, "/js/main.js")));
  EXPECT_TRUE(std::holds_alternative<Router::MethodNotAllowed>(router.route(Method::kPost, "/js/main.js")));
  EXPECT_TRUE(std::holds_alternative<Router::NotFound>(router.route(Method::kGet, "/js/other.js")));
}

TEST(RequestTest, QueryParametersAreFoundAndDecoded) {
  Request r;
  r.query = "partition=2&offset=100&q=a+b%21&flag&empty=";
  EXPECT_EQ(r.query_param("partition"), "2");
  EXPECT_EQ(r.query_param("q"), "a b!");
  EXPECT_EQ(r.query_param("flag"), "");
  EXPECT_EQ(r.query_param("empty"), "");
  EXPECT_EQ(r.query_param("missing"), std::nullopt);
}

TEST(ContentTypeTest, TheExtensionPicksTheType) {
  EXPECT_EQ(content_type_for("/index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("/js/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("/blob"), "application/octet-stream");
}

TEST(ResponseTest, AnErrorHasTheApisOneShape) {
  Response r = Response::error(404, "not_found", "no topic \"x\"");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body, R"({"error":{"code":"not_found","message":"no topic \"x\""}})");
}

}  // namespace
}  // namespace cairn::broker::http
