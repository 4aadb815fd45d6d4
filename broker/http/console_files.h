#pragma once

// The web console (console/src), compiled into the program at build time: every file with its
// path and content type, for Router::set_static_files().

#include <span>

#include "broker/http/static_file.h"

namespace cairn::broker::http {

std::span<const StaticFile> console_files();

}  // namespace cairn::broker::http
