// Session's watchdog: the deadlines a connection must keep (first request, a whole frame, idle
// time, the linger after a graceful close).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/config.h"
#include "broker/net/session.h"

namespace cairn::broker {

namespace {

// How long a connection that is ending waits for the client to close its side.
constexpr auto kLingerTime = std::chrono::seconds(2);

}  // namespace

awaitable<void> Session::watchdog(std::shared_ptr<Session> /*self: keeps us alive*/) {
  const Limits& limits = limits_;
  // Check often enough that each deadline is kept to within a quarter of itself.
  auto shortest =
      std::min({limits.idle_timeout, limits.request_timeout, limits.first_request_timeout});
  auto tick = std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(10),
                                                    std::chrono::seconds(1));
  while (!closed_) {
    watchdog_timer_.expires_after(tick);
    boost::system::error_code ec;
    co_await watchdog_timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    if (closed_) break;
    auto now = std::chrono::steady_clock::now();
    if (linger_started_) {
      if (now - *linger_started_ > kLingerTime) close("client did not close");
    } else if (!first_request_read_ && !read_done_ &&
               now - accepted_at_ > limits.first_request_timeout) {
      spdlog::info("{}: no request within {} ms of connecting; closing", peer_,
                   limits.first_request_timeout.count());
      close("first request timeout");
    } else if (!read_done_ && frame_started_ && now - *frame_started_ > limits.request_timeout) {
      spdlog::warn("{}: a request frame did not arrive in full within {} ms; closing", peer_,
                   limits.request_timeout.count());
      close("request timeout");
    } else if (handlers_running_ == 0 && queue_.empty() &&
               now - last_activity_ > limits.idle_timeout) {
      spdlog::info("{}: idle for {} ms; closing", peer_, limits.idle_timeout.count());
      close("idle timeout");
    }
  }
}

}  // namespace cairn::broker
