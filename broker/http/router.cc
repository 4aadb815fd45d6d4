#include "broker/http/router.h"

#include <algorithm>

namespace cairn::broker::http {

namespace {

// The segments of a path: "/api/v1/topics/" is {"api", "v1", "topics"}; "/" is {}.
std::vector<std::string> split(std::string_view path) {
  std::vector<std::string> segments;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t end = path.find('/', i);
    if (end == std::string_view::npos) end = path.size();
    segments.emplace_back(path.substr(i, end - i));
    i = end;
  }
  return segments;
}

bool is_parameter(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

void Router::add(Method method, std::string_view pattern, Handler handler) {
  entries_.push_back(Entry{method, split(pattern), std::move(handler)});
}

void Router::add(Method method, std::string_view pattern, SyncHandler handler) {
  add(method, pattern, Handler([handler = std::move(handler)](const Request& request,
                                                              Responder respond) {
        respond(handler(request));
      }));
}

bool Router::match(const Entry& entry, const std::vector<std::string>& segments,
                   std::map<std::string, std::string, std::less<>>* params) {
  if (entry.segments.size() != segments.size()) return false;
  for (size_t i = 0; i < segments.size(); ++i) {
    const std::string& want = entry.segments[i];
    if (is_parameter(want)) {
      if (params) (*params)[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  return true;
}

Router::Route Router::route(Method method, std::string_view path) const {
  std::vector<std::string> segments;
  for (auto& raw : split(path)) {
    auto decoded = percent_decode(raw, false);
    if (!decoded || decoded->empty()) return BadPath{};
    segments.push_back(std::move(*decoded));
  }
  Method wanted = method == Method::kHead ? Method::kGet : method;
  std::vector<Method> allowed;
  for (const Entry& entry : entries_) {
    if (!match(entry, segments, nullptr)) continue;
    if (entry.method == wanted) {
      Found found{&entry.handler, {}};
      match(entry, segments, &found.params);
      return found;
    }
    allowed.push_back(entry.method);
  }
  if (!allowed.empty()) {
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    std::string allow;
    for (Method m : allowed) {
      if (!allow.empty()) allow += ", ";
      allow += method_name(m);
      if (m == Method::kGet) allow += ", HEAD";
    }
    return MethodNotAllowed{allow};
  }
  std::string_view file_path = path == "/" ? std::string_view("/index.html") : path;
  for (const StaticFile& file : files_) {
    if (file.path != file_path) continue;
    if (wanted == Method::kGet) return &file;
    return MethodNotAllowed{"GET, HEAD"};
  }
  return NotFound{};
}

std::string_view content_type_for(std::string_view path) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  static constexpr Type kTypes[] = {
      {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},          {".svg", "image/svg+xml"},
      {".png", "image/png"},                  {".ico", "image/x-icon"},
      {".txt", "text/plain; charset=utf-8"},  {".md", "text/markdown; charset=utf-8"},
  };
  for (const Type& t : kTypes) {
    if (path.ends_with(t.extension)) return t.content_type;
  }
  return "application/octet-stream";
}

}  // namespace cairn::broker::http
