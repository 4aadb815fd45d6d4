// cairn perf e2e: one producer sends at --rate for --duration, stamping each value with its
// scheduled send time (the pacer's release time), and one consumer reads from the log end;
// latency from scheduled send to receive.
#include <fmt/format.h>

#include <atomic>
#include <cstring>
#include <vector>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tools/cairn/perf/perf.h"
#include "tools/cairn/signals.h"

namespace cairn::tools::perf {

namespace {

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Reads until `expected` records arrived, or 10 s after `producing_done` is set, recording each
// one's latency from the send time in its first 8 bytes.
void receive(client::Consumer& consumer, const std::atomic<int64_t>& expected,
             const std::atomic<bool>& producing_done, Histogram& e2e,
             std::atomic<int64_t>& received) {
  auto deadline_after_done = std::chrono::seconds(10);
  Clock::time_point done_at{};
  while (received < expected) {
    if (producing_done && done_at == Clock::time_point{}) done_at = Clock::now();
    if (done_at != Clock::time_point{} && Clock::now() - done_at > deadline_after_done) break;
    auto records = consumer.poll(std::chrono::milliseconds(100));
    if (!records) break;
    int64_t now = wall_ns();
    for (const auto& r : *records) {
      if (!r.value || r.value->size() < 8) continue;
      int64_t sent;
      std::memcpy(&sent, r.value->data(), 8);
      e2e.record((now - sent) / 1000);
      ++received;
    }
  }
}

}  // namespace

void run_e2e(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  if (o.rate <= 0) throw CliError(kExitUsage, "e2e needs --rate");
  if (o.size < 8) {
    throw CliError(kExitUsage,
                   "e2e needs --size of at least 8 (the send time travels in the value)");
  }
  std::vector<client::TopicPartition> tps;
  std::string durability;
  {
    auto conn = connect(global);
    auto t = describe_topic(*conn, o.topic, /*create_missing=*/true);
    durability = t.settings.durability;
    for (const auto& p : t.partitions) tps.push_back({o.topic, p.partition});
  }
  std::atomic<int64_t> expected{static_cast<int64_t>(o.rate * o.duration_s)};  // less if stopped
  client::ConsumerConfig cc;
  cc.broker = global.broker;
  cc.tls = global.tls;
  cc.client_id = "cairn-perf";
  cc.fetch_max_wait = std::chrono::milliseconds(100);
  auto consumer = check(client::Consumer::create(cc), "consumer");
  if (auto s = consumer->assign(tps); !s.is_ok()) throw CliError(kExitError, s.message());
  if (auto s = consumer->seek_to_end(tps); !s.is_ok()) {
    throw CliError(kExitUnreachable, s.message());
  }

  Histogram e2e;
  std::atomic<int64_t> received{0};
  std::atomic<bool> producing_done{false};
  std::thread reader([&] { receive(*consumer, expected, producing_done, e2e, received); });

  client::ProducerConfig pc;
  pc.broker = global.broker;
  pc.tls = global.tls;
  pc.client_id = "cairn-perf";
  pc.linger = std::chrono::milliseconds(0);
  auto producer = check(client::Producer::create(pc), "producer");
  std::string value(o.size, 'x');
  CpuMeter cpu;
  auto start = Clock::now();
  int64_t wall_start = wall_ns();
  std::atomic<int64_t> failed{0};
  Pacer pacer(start, o.rate);
  for (int64_t i = 0; i < expected; ++i) {
    if (stop_requested()) {
      expected = i;
      break;
    }
    auto offset = std::chrono::duration_cast<std::chrono::nanoseconds>(pacer.wait_for(i) - start);
    int64_t scheduled = wall_start + offset.count();
    std::memcpy(value.data(), &scheduled, 8);
    client::ProducerRecord r;
    r.topic = o.topic;
    r.value = value;
    Status s = producer->send(std::move(r), [&failed](auto res) {
      if (!res) ++failed;
    });
    if (!s.is_ok()) ++failed;
  }
  producer->flush().ignore_error();
  double send_secs = std::chrono::duration<double>(Clock::now() - start).count();
  producing_done = true;
  reader.join();
  consumer->close();

  double achieved = static_cast<double>(expected.load()) / send_secs;
  CpuMeter::Use used = cpu.used(expected.load());
  write_histogram(o.histogram_file, e2e);
  if (o.json) {
    fmt::print(
        R"({{"mode":"e2e","topic":"{}","rate":{},"duration_s":{},"size":{},"durability":"{}",)"
        R"("sent":{},"received":{},"failed":{},"achieved_rate":{:.0f},"latency_us":{},)"
        R"("client_cpu":{}}})"
        "\n",
        o.topic, o.rate, o.duration_s, o.size, durability, expected.load(), received.load(),
        failed.load(), achieved, latency_json(e2e), cpu_json(used));
  } else {
    fmt::print("e2e: {} records at {:.0f}/s (achieved {:.0f}/s), {} received, durability {}\n",
               expected.load(), o.rate, achieved, received.load(), durability);
    fmt::print("latency scheduled send to receive, us: p50 {} p90 {} p99 {} p99.9 {} max {}\n",
               e2e.percentile(50), e2e.percentile(90), e2e.percentile(99), e2e.percentile(99.9),
               e2e.max());
    fmt::print("{} (producer and consumer)\n", cpu_text(used));
    fmt::print("RESULT mode=e2e n={} achieved_rate={:.0f} p50_us={} p99_us={} p999_us={}{}\n",
               received.load(), achieved, e2e.percentile(50), e2e.percentile(99),
               e2e.percentile(99.9), cpu_result_fields(used));
  }
  if (received < expected) {
    throw CliError(kExitError,
                   fmt::format("only {} of {} records arrived", received.load(), expected.load()));
  }
}

}  // namespace cairn::tools::perf
