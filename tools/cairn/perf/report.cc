// What the perf runners share to report: the progress line and the latency figures.
#include <fmt/format.h>
#include <sys/resource.h>
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

namespace {

double seconds(const timeval& t) {
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
}

}  // namespace

CpuMeter::CpuMeter() : start_(Clock::now()) {
  rusage r{};
  if (::getrusage(RUSAGE_SELF, &r) == 0) {
    user_s_ = seconds(r.ru_utime);
    system_s_ = seconds(r.ru_stime);
  }
}

CpuMeter::Use CpuMeter::used(int64_t records) const {
  Use u;
  rusage r{};
  if (::getrusage(RUSAGE_SELF, &r) == 0) {
    u.user_s = seconds(r.ru_utime) - user_s_;
    u.system_s = seconds(r.ru_stime) - system_s_;
  }
  u.wall_s = std::chrono::duration<double>(Clock::now() - start_).count();
  u.records = records;
  return u;
}

double CpuMeter::Use::core_percent() const {
  return wall_s > 0 ? 100 * (user_s + system_s) / wall_s : 0;
}

double CpuMeter::Use::ns_per_record() const {
  return records > 0 ? 1e9 * (user_s + system_s) / static_cast<double>(records) : 0;
}

std::string cpu_text(const CpuMeter::Use& u) {
  return fmt::format(
      "client CPU {:.2f} s user + {:.2f} s system = {:.0f}% of a core, {:.0f} ns per record",
      u.user_s, u.system_s, u.core_percent(), u.ns_per_record());
}

std::string cpu_result_fields(const CpuMeter::Use& u) {
  return fmt::format(" client_cpu_pct={:.0f} client_ns_per_record={:.0f}", u.core_percent(),
                     u.ns_per_record());
}

std::string cpu_json(const CpuMeter::Use& u) {
  return fmt::format(
      R"({{"user_s":{:.3f},"system_s":{:.3f},"core_percent":{:.1f},"ns_per_record":{:.0f}}})",
      u.user_s, u.system_s, u.core_percent(), u.ns_per_record());
}

std::string latency_json(const Histogram& h) {
  return fmt::format(
      R"({{"count":{},"mean":{:.1f},"p50":{},"p90":{},"p99":{},"p999":{},"max":{}}})", h.count(),
      h.mean(), h.percentile(50), h.percentile(90), h.percentile(99), h.percentile(99.9), h.max());
}

void write_histogram(const std::string& file, const Histogram& h) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!out) throw CliError(kExitError, "cannot write " + file);
  out << h.distribution();
}

}  // namespace cairn::tools::perf
