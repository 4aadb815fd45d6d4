// cairn perf consume: records from the beginning as fast as possible, by one consumer over every
// partition, or by several consumers in a group.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <vector>

#include "cairn/consumer.h"
#include "tools/cairn/perf/perf.h"
#include "tools/cairn/signals.h"

namespace cairn::tools::perf {

namespace {

struct Totals {
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> bytes{0};
  std::mutex error_mu;
  std::string error;  // the first consumer's error
};

// One consumer's loop: polls until o.count records arrived in all, a stop, an error, or 10 s
// with nothing.
void consume(const PerfOptions& o, const GlobalOptions& global,
             const std::vector<client::TopicPartition>& tps, Totals& totals) {
  client::ConsumerConfig config;
  config.broker = global.broker;
  config.tls = global.tls;
  config.client_id = "cairn-perf";
  config.group_id = o.group;
  config.enable_auto_commit = !o.group.empty();
  config.auto_offset_reset = client::ConsumerConfig::OffsetReset::kEarliest;
  config.max_poll_records = 100'000;
  auto consumer = client::Consumer::create(config);
  Status s = consumer ? Status::ok() : consumer.error();
  if (s.is_ok()) {
    s = o.group.empty() ? (*consumer)->assign(tps) : (*consumer)->subscribe({o.topic});
    if (s.is_ok() && o.group.empty()) s = (*consumer)->seek_to_beginning(tps);
  }
  auto idle_since = Clock::now();
  while (s.is_ok() && totals.received < o.count && !stop_requested()) {
    auto records = (*consumer)->poll(std::chrono::milliseconds(200));
    if (!records) {
      s = records.error();
      break;
    }
    // Count only up to o.count in all: consumers share the total, and a poll may return more.
    auto n = static_cast<int64_t>(records->size());
    int64_t before = totals.received.fetch_add(n);
    int64_t counted = std::clamp<int64_t>(o.count - before, 0, n);
    int64_t b = 0;
    for (int64_t i = 0; i < counted; ++i) {
      const auto& r = (*records)[static_cast<size_t>(i)];
      b += static_cast<int64_t>(r.value ? r.value->size() : 0);
    }
    totals.bytes += b;
    if (!records->empty()) idle_since = Clock::now();
    if (Clock::now() - idle_since > std::chrono::seconds(10)) {
      s = Status::timed_out("nothing arrived for 10 s");
    }
  }
  if (!s.is_ok()) {
    std::lock_guard lock(totals.error_mu);
    if (totals.error.empty()) totals.error = s.to_string();
  }
}

}  // namespace

void run_consume(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  if (o.consumers > 1 && o.group.empty()) {
    throw CliError(kExitUsage, "--consumers above 1 needs --group");
  }
  std::vector<client::TopicPartition> tps;
  {
    auto conn = connect(global);
    for (const auto& p : describe_topic(*conn, o.topic).partitions) {
      tps.push_back({o.topic, p.partition});
    }
  }
  Totals totals;
  CpuMeter cpu;
  auto start = Clock::now();
  Progress progress(!o.json, [&] {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    int64_t received = std::min(totals.received.load(), o.count);
    return fmt::format("consumed {}/{}, {:.0f} records/s", received, o.count,
                       static_cast<double>(received) / secs);
  });
  std::vector<std::thread> threads;
  for (int c = 0; c < o.consumers; ++c) {
    threads.emplace_back([&] { consume(o, global, tps, totals); });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  progress.stop();
  int64_t received = std::min(totals.received.load(), o.count);
  if (!totals.error.empty() && received < o.count && !stop_requested()) {
    throw CliError(kExitError, "consume: " + totals.error);
  }
  double rps = static_cast<double>(received) / secs;
  double mbs = static_cast<double>(totals.bytes) / secs / 1e6;
  CpuMeter::Use used = cpu.used(received);
  if (o.json) {
    fmt::print(R"({{"mode":"consume","topic":"{}","count":{},"consumers":{},"group":"{}",)"
               R"("seconds":{:.3f},"records_per_sec":{:.0f},"mb_per_sec":{:.1f},"client_cpu":{}}})"
               "\n",
               o.topic, received, o.consumers, o.group, secs, rps, mbs, cpu_json(used));
  } else {
    fmt::print("consume: {} records in {:.2f} s: {:.0f} records/s, {:.1f} MB/s ({} consumer{}{})\n",
               received, secs, rps, mbs, o.consumers, o.consumers == 1 ? "" : "s",
               o.group.empty() ? "" : ", group " + o.group);
    fmt::print("{}\n", cpu_text(used));
    fmt::print("RESULT mode=consume n={} msgs_s={:.0f} mb_s={:.1f}{}\n", received, rps, mbs,
               cpu_result_fields(used));
  }
}

}  // namespace cairn::tools::perf
