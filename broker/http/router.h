#pragma once

// Router: which handler answers a method and path. Patterns are paths whose segments are literal
// or "{name}", which matches one non-empty segment and hands it to the handler decoded
// (Request::path_params). HEAD is answered by a GET route, without the body. A path no route
// matches may be one of the static files (GET and HEAD; "/" is "/index.html").
//
// Built before the server starts and read-only after: the server's thread reads it unlocked.

#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "broker/http/message.h"
#include "broker/http/static_file.h"

namespace cairn::broker::http {

class Router {
 public:
  void add(Method method, std::string_view pattern, Handler handler);
  void add(Method method, std::string_view pattern, SyncHandler handler);
  // Files served when no route matches; the span must outlive the router.
  void set_static_files(std::span<const StaticFile> files) { files_ = files; }

  struct Found {
    const Handler* handler;
    std::map<std::string, std::string, std::less<>> params;
  };
  struct MethodNotAllowed {
    std::string allow;  // for the Allow header: "GET, HEAD, POST"
  };
  struct NotFound {};
  struct BadPath {};  // a malformed percent escape
  using Route = std::variant<Found, const StaticFile*, MethodNotAllowed, NotFound, BadPath>;

  // `path` as sent (percent-encoded, no query).
  Route route(Method method, std::string_view path) const;

 private:
  struct Entry {
    Method method;
    std::vector<std::string> segments;  // "{name}" for a parameter
    Handler handler;
  };
  static bool match(const Entry& entry, const std::vector<std::string>& segments,
                    std::map<std::string, std::string, std::less<>>* params);

  std::vector<Entry> entries_;
  std::span<const StaticFile> files_;
};

}  // namespace cairn::broker::http
