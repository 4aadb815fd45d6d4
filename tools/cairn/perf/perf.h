#pragma once

// cairn perf produce|consume|e2e: throughput and latency runs against a broker.
//
// Latency under --rate is measured from each record's scheduled send time (pacer.h: its due time
// rounded up to the pacer's 200 us grid), not from when send() was called, so a stalled broker
// shows up as latency instead of a slower sender (no coordinated omission). Every run ends with one
// "RESULT key=value ..." line (the peers harness reads it);
// --json prints one JSON object instead, and nothing else on stdout. A stop signal (SIGINT,
// SIGTERM, SIGHUP) ends a run early, and it reports what it measured until then.
//
// Each runner is called on the main thread, starts its own producer and consumer threads, joins
// them before it returns, and throws CliError to end the program.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "tools/cairn/common.h"
#include "tools/cairn/histogram.h"
#include "tools/cairn/perf/pacer.h"

namespace cairn::tools::perf {

using Clock = std::chrono::steady_clock;

struct PerfOptions {
  std::string topic;
  int64_t count = 1'000'000;
  size_t size = 100;
  // "fixed": --size bytes of 'x'; "json-clickstream": realistic 200-500 byte JSON events.
  std::string payload = "fixed";
  std::string compression = "none";  // the producers' codec
  double rate = 0;                   // records/s; 0: as fast as possible
  int producers = 1;
  int consumers = 1;
  std::string acks = "all";
  size_t batch_bytes = 256 * 1024;
  int linger_ms = -1;  // default: 5, or 0 with --rate
  int64_t keys = 0;
  std::string group;
  double duration_s = 10;
  bool json = false;
  std::string histogram_file;
};

void run_produce(const PerfOptions& o, const GlobalOptions& global);
void run_consume(const PerfOptions& o, const GlobalOptions& global);
void run_e2e(const PerfOptions& o, const GlobalOptions& global);

// --- shared by the runners ---------------------------------------------------------------------

// A progress line on stderr, once a second until stop(), when stderr is a terminal and
// `enabled`. `line` runs on the progress thread.
class Progress {
 public:
  Progress(bool enabled, std::function<std::string()> line);
  ~Progress();  // stop()
  // Clears the line and ends the updates; call it before printing the summary. Idempotent.
  void stop();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

// The CPU this process has used since the meter was made: every thread of the run, the client
// library's included, so a report shows when the load generator rather than the broker was the
// limit (getrusage).
class CpuMeter {
 public:
  CpuMeter();
  struct Use {
    double user_s = 0;
    double system_s = 0;
    double wall_s = 0;
    int64_t records = 0;
    double core_percent() const;   // (user + system) / wall, in % of one core
    double ns_per_record() const;  // (user + system) / records
  };
  Use used(int64_t records) const;

 private:
  double user_s_ = 0;
  double system_s_ = 0;
  Clock::time_point start_;
};
// "client CPU 1.20 s user + 0.40 s system = 53% of a core, 1600 ns per record"
std::string cpu_text(const CpuMeter::Use& u);
// " client_cpu_pct=53 client_ns_per_record=1600", for the RESULT line
std::string cpu_result_fields(const CpuMeter::Use& u);
// {"user_s":…,"system_s":…,"core_percent":…,"ns_per_record":…}
std::string cpu_json(const CpuMeter::Use& u);

// {"count":…,"mean":…,"p50":…,"p90":…,"p99":…,"p999":…,"max":…}
std::string latency_json(const Histogram& h);
// Writes the distribution to `file`; nothing when `file` is empty. Throws CliError when it cannot.
void write_histogram(const std::string& file, const Histogram& h);

}  // namespace cairn::tools::perf
