#pragma once

// What a route handler sees and answers: Request, Response, and the Responder through which an
// answer goes back, at once or later and from any thread. No Asio here: the broker's handlers
// include this and nothing of the server.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::broker::http {

enum class Method { kGet, kHead, kPost, kPut, kDelete, kOther };

std::string_view method_name(Method method);

struct Request {
  Method method = Method::kGet;
  std::string path;   // percent-decoded, without the query
  std::string query;  // after '?', as sent
  std::map<std::string, std::string, std::less<>> path_params;  // "{name}" segments, decoded
  std::string content_type;
  std::string body;

  // The first value of `name` in the query, percent-decoded ('+' is a space); nullopt if absent.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers

  static Response json(int status, std::string body);
  static Response text(int status, std::string body);
  // {"error":{"code":"not_found","message":"..."}}, the API's one error shape.
  static Response error(int status, std::string_view code, std::string_view message);
};

namespace detail {
struct PendingResponse;
}

// The way back for one request's response. Move-only; call it once, from any thread. A
// responder dropped without being called answers 500, so a request is never left hanging. A
// response that comes after the server's handler timeout is dropped (the client got 503).
class Responder {
 public:
  explicit Responder(std::shared_ptr<detail::PendingResponse> pending);
  Responder(Responder&&) noexcept = default;
  Responder& operator=(Responder&&) noexcept;
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;
  ~Responder();

  void operator()(Response response);

 private:
  std::shared_ptr<detail::PendingResponse> pending_;
};

// Runs on the server's thread; answers through the responder, there or later.
using Handler = std::function<void(const Request&, Responder)>;
// A handler that answers at once, on the server's thread.
using SyncHandler = std::function<Response(const Request&)>;

// Percent-decoding; nullopt for a malformed escape. `plus_is_space` for query strings.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace cairn::broker::http
