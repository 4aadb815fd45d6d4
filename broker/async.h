#pragma once

// Coroutine helpers for the broker (Boost.Asio 1.74, C++20 coroutines). Only broker/ includes
// this; protocol/ and storage/ keep Asio out of their headers.

#include <utility>  // must precede asio/awaitable.hpp on g++ 12 with Boost 1.74

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

// g++ 12 destroys a temporary built by braces or a lambda inside a co_await expression twice
// (`co_await f(Request{...})`, `co_await g([held] {...})`): what it holds is freed under its
// users. Name such an argument first (`Request request{...}; co_await f(std::move(request));`).
// Temporaries built by a constructor call (`std::string(name)`) are not affected.

namespace cairn::broker {

namespace asio = boost::asio;
template <typename T = void>
using awaitable = asio::awaitable<T>;
using asio::use_awaitable;
using SteadyTime = std::chrono::steady_clock::time_point;

// Whether the calling thread is running `ex`'s io_context now (for debug checks of which
// thread an object is used on). True for an executor of another kind, which cannot tell.
inline bool running_on(const asio::any_io_executor& ex) {
  if (const auto* io = ex.target<asio::io_context::executor_type>()) {
    return io->running_in_this_thread();
  }
  return true;
}

// A condition variable for coroutines on one executor. Waiters re-check their condition after
// every wake-up (a notify before the wait is not remembered). Several waiters may use wait();
// wait_until() is for a single waiter, since it sets the shared timer's expiry.
class Notifier {
 public:
  explicit Notifier(const asio::any_io_executor& ex) : timer_(ex) {
    timer_.expires_at(SteadyTime::max());
  }
  void notify_all() { timer_.cancel(); }
  awaitable<void> wait() {
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  // Returns after notify_all() or at `deadline`, whichever is first.
  awaitable<void> wait_until(SteadyTime deadline) {
    timer_.expires_at(deadline);
    boost::system::error_code ec;
    co_await timer_.async_wait(asio::redirect_error(use_awaitable, ec));
    timer_.expires_at(SteadyTime::max());
  }

 private:
  asio::steady_timer timer_;
};

// A mutex for coroutines on one executor: lock() waits without blocking the thread.
class AsyncMutex {
 public:
  explicit AsyncMutex(const asio::any_io_executor& ex) : notifier_(ex) {}
  awaitable<void> lock() {
    while (locked_) co_await notifier_.wait();
    locked_ = true;
  }
  void unlock() {
    locked_ = false;
    notifier_.notify_all();
  }

 private:
  bool locked_ = false;
  Notifier notifier_;
};

// Unlocks an AsyncMutex when it goes out of scope.
class AsyncLockGuard {
 public:
  explicit AsyncLockGuard(AsyncMutex& m) : m_(m) {}
  ~AsyncLockGuard() { m_.unlock(); }
  AsyncLockGuard(const AsyncLockGuard&) = delete;
  AsyncLockGuard& operator=(const AsyncLockGuard&) = delete;

 private:
  AsyncMutex& m_;
};

// Runs `task` on `ex` and resumes the caller on its own executor with the result.
template <typename T>
awaitable<T> run_on(const asio::any_io_executor& ex, awaitable<T> task) {
  co_return co_await asio::co_spawn(ex, std::move(task), use_awaitable);
}

// Runs every task on its executor at once and resumes the caller, on its own executor, when all
// are done, with their results in order. The first exception is rethrown after all finish.
template <typename T>
awaitable<std::vector<T>> gather(
    std::vector<std::pair<asio::any_io_executor, awaitable<T>>> tasks) {
  auto ex = co_await asio::this_coro::executor;
  struct State {
    explicit State(const asio::any_io_executor& e, size_t n) : results(n), remaining(n), timer(e) {
      timer.expires_at(SteadyTime::max());
    }
    std::vector<T> results;
    size_t remaining;
    std::exception_ptr error;
    asio::steady_timer timer;
  };
  auto state = std::make_shared<State>(ex, tasks.size());
  for (size_t i = 0; i < tasks.size(); ++i) {
    asio::co_spawn(tasks[i].first, std::move(tasks[i].second),
                   asio::bind_executor(ex, [state, i](std::exception_ptr e, T value) {
                     if (e) {
                       if (!state->error) state->error = e;
                     } else {
                       state->results[i] = std::move(value);
                     }
                     if (--state->remaining == 0) state->timer.cancel();
                   }));
  }
  while (state->remaining > 0) {
    boost::system::error_code ec;
    co_await state->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
  if (state->error) std::rethrow_exception(state->error);
  co_return std::move(state->results);
}

}  // namespace cairn::broker
