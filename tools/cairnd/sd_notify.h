#pragma once

// The systemd readiness protocol without libsystemd: when systemd starts cairnd as a
// Type=notify service it names a datagram socket in $NOTIFY_SOCKET, and cairnd sends
// "READY=1" there once it serves, "STOPPING=1" when a stop begins.

#include <string_view>

#include "protocol/status.h"

namespace cairn::tools {

// Sends `state` (newline-separated KEY=VALUE lines) to $NOTIFY_SOCKET. Without that variable
// it does nothing and returns ok: cairnd was not started by systemd. A path starting with '@'
// names a socket in the abstract namespace.
Status sd_notify(std::string_view state);

}  // namespace cairn::tools
