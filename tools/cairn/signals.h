#pragma once

// SIGINT, SIGTERM and SIGHUP as a request to stop, for the commands that run until stopped
// (consume, perf): they check stop_requested() and end cleanly, a consumer with its final commit
// and leaving its group, a perf run with what it measured so far. A second signal exits at once
// with 128 + the signal number.

namespace cairn::tools {

// Installs the handlers; call before the work that checks stop_requested().
void trap_stop_signals();
bool stop_requested();

}  // namespace cairn::tools
