// cairn perf consume: records from the beginning as fast as possible, by one consumer over every
// partition, or by several consumers in a group.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <vector>

#include "cairn/consumer.h"
#include "tools/cairn/perf/perf.h"
#include "tools/cairn/signals.h"

namespace cairn::tools::perf {

namespace {

struct Totals {
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> bytes{0};
  // When the first consumer of the group got its partitions (the clock's count), or max.
  std::atomic<Clock::rep> assigned{std::numeric_limits<Clock::rep>::max()};
  std::mutex error_mu;
  std::string error;  // the first consumer's error
};

// Notes when the group gave a consumer its partitions: the rate counts from then, as Kafka's
// ConsumerPerformance does, and the join (with the coordinator's rebalance delay, 200 ms by
// default) is reported apart.
class JoinClock : public client::RebalanceListener {
 public:
  explicit JoinClock(Totals& totals) : totals_(totals) {}
  void on_partitions_assigned(client::Consumer&,
                              const std::vector<client::TopicPartition>&) override {
    Clock::rep now = Clock::now().time_since_epoch().count();
    Clock::rep first = totals_.assigned.load();
    while (now < first && !totals_.assigned.compare_exchange_weak(first, now)) {
    }
  }

 private:
  Totals& totals_;
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
  // A poll's records stay in the caches: 5,000 of 100 B read 10.9M records/s (median of 3)
  // where 100,000 per poll (15 MB of records and their allocations) read 8.3M.
  config.max_poll_records = 5'000;
  JoinClock join_clock(totals);  // outlives the consumer
  auto consumer = client::Consumer::create(config);
  Status s = consumer ? Status::ok() : consumer.error();
  if (s.is_ok()) {
    s = o.group.empty() ? (*consumer)->assign(tps) : (*consumer)->subscribe({o.topic}, &join_clock);
    if (s.is_ok() && o.group.empty()) s = (*consumer)->seek_to_beginning(tps);
  }
  auto idle_since = Clock::now();
  while (s.is_ok() && totals.received < o.count && !stop_requested()) {
    // Views: no copy or allocation per record, what a reader that only looks at the bytes needs.
    auto records = (*consumer)->poll_views(std::chrono::milliseconds(200));
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
  threads.reserve(static_cast<size_t>(o.consumers));
  for (int c = 0; c < o.consumers; ++c) {
    threads.emplace_back([&] { consume(o, global, tps, totals); });
  }
  for (auto& t : threads) t.join();
  auto end = Clock::now();
  progress.stop();
  // With a group, the rate counts from the first assignment on; the join before it is apart.
  auto fetch_start = start;
  if (Clock::rep assigned = totals.assigned.load();
      assigned != std::numeric_limits<Clock::rep>::max()) {
    fetch_start = Clock::time_point(Clock::duration(assigned));
  }
  double join_secs = std::chrono::duration<double>(fetch_start - start).count();
  double secs = std::chrono::duration<double>(end - fetch_start).count();
  int64_t received = std::min(totals.received.load(), o.count);
  if (!totals.error.empty() && received < o.count && !stop_requested()) {
    throw CliError(kExitError, "consume: " + totals.error);
  }
  double rps = static_cast<double>(received) / secs;
  double mbs = static_cast<double>(totals.bytes) / secs / 1e6;
  CpuMeter::Use used = cpu.used(received);
  if (o.json) {
    fmt::print(R"({{"mode":"consume","topic":"{}","count":{},"consumers":{},"group":"{}",)"
               R"("seconds":{:.3f},"join_seconds":{:.3f},"records_per_sec":{:.0f},)"
               R"("mb_per_sec":{:.1f},"client_cpu":{}}})"
               "\n",
               o.topic, received, o.consumers, o.group, secs, join_secs, rps, mbs, cpu_json(used));
  } else {
    fmt::print("consume: {} records in {:.2f} s: {:.0f} records/s, {:.1f} MB/s ({} consumer{}{})\n",
               received, secs, rps, mbs, o.consumers, o.consumers == 1 ? "" : "s",
               o.group.empty()
                   ? ""
                   : fmt::format(", group {}, joined in {:.2f} s before", o.group, join_secs));
    fmt::print("{}\n", cpu_text(used));
    fmt::print("RESULT mode=consume n={} msgs_s={:.0f} mb_s={:.1f} join_ms={:.0f}{}\n", received,
               rps, mbs, join_secs * 1000, cpu_result_fields(used));
  }
}

}  // namespace cairn::tools::perf
