#include "tools/cairn/signals.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace cairn::tools {

namespace {

std::atomic<bool> stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_stop_signal(int sig) {
  if (stop.exchange(true)) _exit(128 + sig);
}

}  // namespace

void trap_stop_signals() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

bool stop_requested() { return stop.load(); }

}  // namespace cairn::tools
