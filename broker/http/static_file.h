#pragma once

// A file served as it is from bytes compiled into the program (the web console).

#include <string_view>

namespace cairn::broker::http {

struct StaticFile {
  std::string_view path;          // "/index.html", "/js/main.js"
  std::string_view content_type;  // "text/html; charset=utf-8"
  std::string_view bytes;
};

// The Content-Type for a file name by its extension; "application/octet-stream" if unknown.
std::string_view content_type_for(std::string_view path);

}  // namespace cairn::broker::http
