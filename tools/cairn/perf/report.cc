// What the perf runners share to report: the progress line and the latency figures.
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>

#include "tools/cairn/perf/perf.h"

namespace cairn::tools::perf {

Progress::Progress(bool enabled, std::function<std::string()> line) {
  if (!enabled || !::isatty(STDERR_FILENO)) return;
  thread_ = std::thread([this, line = std::move(line)] {
    std::unique_lock lock(mu_);
    while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
      fmt::print(stderr, "\r{}\033[K", line());
    }
    fmt::print(stderr, "\r\033[K");
  });
}

Progress::~Progress() { stop(); }

void Progress::stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string latency_json(const Histogram& h) {
  return fmt::format(
      R"({{"count":{},"mean":{:.1f},"p50":{},"p90":{},"p99":{},"p999":{},"max":{}}})", h.count(),
      h.mean(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9),
      h.max());
}

void write_histogram(const std::string& file, const Histogram& h) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!out) throw CliError(kExitError, "cannot write " + file);
  out << h.distribution();
}

}  // namespace cairn::tools::perf
