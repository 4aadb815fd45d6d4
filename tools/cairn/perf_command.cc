// cairn perf produce|consume|e2e: throughput and latency runs against a broker.
//
// Latency under --rate is measured from each record's intended send time, not from when send()
// was called, so a stalled broker shows up as latency instead of a slower sender (no coordinated
// omission). Every run ends with one "RESULT key=value ..." line (the peers harness reads it);
// --json prints one JSON object instead of the human lines. A stop signal (SIGINT, SIGTERM,
// SIGHUP) ends a run early, and it reports what it measured until then.
#include <fmt/format.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "cairn/consumer.h"
#include "cairn/producer.h"
#include "tools/cairn/common.h"
#include "tools/cairn/histogram.h"
#include "tools/cairn/signals.h"

namespace cairn::tools {

namespace {

using Clock = std::chrono::steady_clock;

struct PerfOptions {
  std::string topic;
  int64_t count = 1'000'000;
  size_t size = 100;
  double rate = 0;  // records/s; 0: as fast as possible
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

std::string durability_of(client::Connection& conn, const std::string& topic) {
  return describe_topic(conn, topic).settings.durability;
}

int16_t parse_acks(const std::string& acks) {
  if (acks == "0") return 0;
  if (acks == "1") return 1;
  if (acks == "all" || acks == "-1") return -1;
  throw CliError(kExitUsage, "--acks must be 0, 1 or all");
}

// A progress line on a terminal, once a second, until stopped.
class Progress {
 public:
  Progress(bool enabled, std::function<std::string()> line) {
    if (!enabled || !::isatty(STDERR_FILENO)) return;
    thread_ = std::thread([this, line = std::move(line)] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
        fmt::print(stderr, "\r{}\033[K", line());
      }
      fmt::print(stderr, "\r\033[K");
    });
  }
  ~Progress() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

std::string latency_json(const Histogram& h) {
  return fmt::format(R"({{"count":{},"mean":{:.1f},"p50":{},"p90":{},"p99":{},"p999":{},"max":{}}})",
                     h.count(), h.mean(), h.percentile(50), h.percentile(90), h.percentile(99),
                     h.percentile(99.9), h.max());
}

void write_histogram(const std::string& file, const Histogram& h) {
  if (file.empty()) return;
  std::ofstream out(file);
  if (!out) throw CliError(kExitError, "cannot write " + file);
  out << h.distribution();
}

// --- produce ---------------------------------------------------------------------------------

// Sleeps until `t` for an open-loop sender. The kernel's default timer slack lets a sleeping
// thread wake up to 50 us late, which a latency run measured from intended send times would
// charge to the broker; 1 us of slack keeps pacing honest without spinning a core.
void pace_until(Clock::time_point t) {
  thread_local bool tight = ::prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0) == 0;
  (void)tight;
  std::this_thread::sleep_until(t);
}

struct ProducerStats {
  Histogram latency;  // touched only by the producer's I/O thread
  std::atomic<int64_t> acked{0};
  std::atomic<int64_t> failed{0};
  std::mutex error_mu;
  std::string first_error;
};

void run_perf_produce(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  int16_t acks = parse_acks(o.acks);
  if (o.producers < 1 || o.count < 1 || o.size < 1) throw CliError(kExitUsage, "--count, --size and --producers must be positive");
  std::string durability;
  {
    auto conn = connect(global);
    durability = durability_of(*conn, o.topic);
  }
  int linger = o.linger_ms >= 0 ? o.linger_ms : (o.rate > 0 ? 0 : 5);
  std::vector<std::unique_ptr<client::Producer>> producers;
  std::vector<std::unique_ptr<ProducerStats>> stats;
  for (int p = 0; p < o.producers; ++p) {
    client::ProducerConfig c;
    c.broker = global.broker;
    c.client_id = "cairn-perf";
    c.acks = acks;
    c.batch_bytes = o.batch_bytes;
    c.linger = std::chrono::milliseconds(linger);
    c.request_timeout = std::chrono::milliseconds(global.timeout_ms);
    c.buffer_bytes = std::max<size_t>(c.buffer_bytes, 4 * o.batch_bytes);
    producers.push_back(check(client::Producer::create(c), "producer"));
    stats.push_back(std::make_unique<ProducerStats>());
  }
  std::string payload(o.size, 'x');
  auto start = Clock::now();
  std::atomic<int64_t> sent{0};
  Progress progress(!o.json, [&] {
    int64_t acked = 0;
    for (auto& s : stats) acked += s->acked;
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    return fmt::format("produced {}/{} acknowledged, {:.0f} records/s", acked, o.count, acked / secs);
  });
  std::vector<std::thread> threads;
  for (int p = 0; p < o.producers; ++p) {
    threads.emplace_back([&, p] {
      int64_t mine = o.count / o.producers + (p < o.count % o.producers ? 1 : 0);
      double rate = o.rate / o.producers;
      ProducerStats& st = *stats[static_cast<size_t>(p)];
      for (int64_t i = 0; i < mine && !stop_requested(); ++i) {
        Clock::time_point intended = Clock::now();
        if (rate > 0) {
          intended = start + std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / rate));
          pace_until(intended);
        }
        client::ProducerRecord r;
        r.topic = o.topic;
        if (o.keys > 0) r.key = "key-" + std::to_string((i * o.producers + p) % o.keys);
        r.value = payload;
        Status s = producers[static_cast<size_t>(p)]->send(std::move(r), [&st, intended](Result<client::RecordMetadata> res) {
          if (!res) {
            ++st.failed;
            std::lock_guard lock(st.error_mu);
            if (st.first_error.empty()) st.first_error = res.error().to_string();
            return;
          }
          st.latency.record(std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - intended).count());
          ++st.acked;
        });
        if (!s.is_ok()) {
          ++st.failed;
          std::lock_guard lock(st.error_mu);
          if (st.first_error.empty()) st.first_error = s.to_string();
        }
        ++sent;
      }
      producers[static_cast<size_t>(p)]->flush().ignore_error();
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& p : producers) p->close();  // every callback has run once close() returns
  Histogram all;
  int64_t acked = 0, failed = 0;
  std::string first_error;
  for (auto& s : stats) {
    all.merge(s->latency);
    acked += s->acked;
    failed += s->failed;
    if (first_error.empty()) first_error = s->first_error;
  }
  int64_t count = sent.load();  // o.count, unless stopped early
  double rps = static_cast<double>(acks == 0 ? count : acked) / secs;
  double mbs = rps * static_cast<double>(o.size) / 1e6;
  write_histogram(o.histogram_file, all);
  if (o.json) {
    fmt::print(R"({{"mode":"produce","topic":"{}","count":{},"size":{},"rate":{},"producers":{},"acks":"{}","batch_bytes":{},"linger_ms":{},"keys":{},"durability":"{}","seconds":{:.3f},"records_per_sec":{:.0f},"mb_per_sec":{:.1f},"acknowledged":{},"failed":{},"latency_us":{}}})"
               "\n",
               o.topic, count, o.size, o.rate, o.producers, o.acks, o.batch_bytes, linger, o.keys,
               durability, secs, rps, mbs, acked, failed, latency_json(all));
  } else {
    fmt::print("produce: {} records of {} B in {:.2f} s: {:.0f} records/s, {:.1f} MB/s (acks={}, durability {}, {} producers, batch {} B, linger {} ms{}){}\n",
               count, o.size, secs, rps, mbs, o.acks, durability, o.producers, o.batch_bytes, linger,
               o.rate > 0 ? fmt::format(", target {:.0f} records/s", o.rate) : "",
               count < o.count ? fmt::format(", stopped early: {} of {} sent", count, o.count) : "");
    if (acks != 0) {
      fmt::print("latency {} to acknowledgement, us: p50 {} p90 {} p99 {} p99.9 {} max {}\n",
                 o.rate > 0 ? "intended send" : "send", all.percentile(50), all.percentile(90),
                 all.percentile(99), all.percentile(99.9), all.max());
    }
  }
  fmt::print("RESULT mode=produce n={} msgs_s={:.0f} mb_s={:.1f} p50_us={} p99_us={} p999_us={} achieved_rate={:.0f} failed={}\n",
             count, rps, mbs, all.percentile(50), all.percentile(99), all.percentile(99.9), rps, failed);
  std::fflush(stdout);
  if (failed > 0) {
    throw CliError(kExitNotAcknowledged, fmt::format("{} records were not acknowledged: {}", failed, first_error));
  }
}

// --- consume ---------------------------------------------------------------------------------

void run_perf_consume(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  if (o.consumers > 1 && o.group.empty()) throw CliError(kExitUsage, "--consumers above 1 needs --group");
  std::vector<client::TopicPartition> tps;
  {
    auto conn = connect(global);
    for (const auto& p : describe_topic(*conn, o.topic).partitions) tps.push_back({o.topic, p.partition});
  }
  std::atomic<int64_t> received{0};
  std::atomic<int64_t> bytes{0};
  auto start = Clock::now();
  Progress progress(!o.json, [&] {
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    return fmt::format("consumed {}/{}, {:.0f} records/s", received.load(), o.count, received / secs);
  });
  std::vector<std::thread> threads;
  std::mutex error_mu;
  std::string error;
  for (int c = 0; c < o.consumers; ++c) {
    threads.emplace_back([&] {
      client::ConsumerConfig config;
      config.broker = global.broker;
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
      while (s.is_ok() && received < o.count && !stop_requested()) {
        auto records = (*consumer)->poll(std::chrono::milliseconds(200));
        if (!records) {
          s = records.error();
          break;
        }
        int64_t b = 0;
        for (const auto& r : *records) b += static_cast<int64_t>(r.value ? r.value->size() : 0);
        received += static_cast<int64_t>(records->size());
        bytes += b;
        if (!records->empty()) idle_since = Clock::now();
        if (Clock::now() - idle_since > std::chrono::seconds(10)) {
          s = Status::timed_out("nothing arrived for 10 s");
        }
      }
      if (!s.is_ok()) {
        std::lock_guard lock(error_mu);
        if (error.empty()) error = s.to_string();
      }
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  if (!error.empty() && received < o.count && !stop_requested()) {
    throw CliError(kExitError, "consume: " + error);
  }
  double rps = static_cast<double>(received) / secs;
  double mbs = static_cast<double>(bytes) / secs / 1e6;
  if (o.json) {
    fmt::print(R"({{"mode":"consume","topic":"{}","count":{},"consumers":{},"group":"{}","seconds":{:.3f},"records_per_sec":{:.0f},"mb_per_sec":{:.1f}}})"
               "\n",
               o.topic, received.load(), o.consumers, o.group, secs, rps, mbs);
  } else {
    fmt::print("consume: {} records in {:.2f} s: {:.0f} records/s, {:.1f} MB/s ({} consumers{})\n",
               received.load(), secs, rps, mbs, o.consumers, o.group.empty() ? "" : ", group " + o.group);
  }
  fmt::print("RESULT mode=consume n={} msgs_s={:.0f} mb_s={:.1f}\n", received.load(), rps, mbs);
}

// --- e2e -------------------------------------------------------------------------------------

int64_t wall_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

void run_perf_e2e(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  if (o.rate <= 0) throw CliError(kExitUsage, "e2e needs --rate");
  if (o.size < 8) throw CliError(kExitUsage, "e2e needs --size of at least 8 (the send time travels in the value)");
  std::vector<client::TopicPartition> tps;
  std::string durability;
  {
    auto conn = connect(global);
    auto t = describe_topic(*conn, o.topic);
    durability = t.settings.durability;
    for (const auto& p : t.partitions) tps.push_back({o.topic, p.partition});
  }
  std::atomic<int64_t> expected{static_cast<int64_t>(o.rate * o.duration_s)};  // less if stopped
  client::ConsumerConfig cc;
  cc.broker = global.broker;
  cc.client_id = "cairn-perf";
  cc.fetch_max_wait = std::chrono::milliseconds(100);
  auto consumer = check(client::Consumer::create(cc), "consumer");
  if (auto s = consumer->assign(tps); !s.is_ok()) throw CliError(kExitError, s.message());
  if (auto s = consumer->seek_to_end(tps); !s.is_ok()) throw CliError(kExitUnreachable, s.message());

  Histogram e2e;
  std::atomic<int64_t> received{0};
  std::atomic<bool> producing_done{false};
  std::thread reader([&] {
    auto deadline_after_done = std::chrono::seconds(10);
    Clock::time_point done_at{};
    while (received < expected) {
      if (producing_done && done_at == Clock::time_point{}) done_at = Clock::now();
      if (done_at != Clock::time_point{} && Clock::now() - done_at > deadline_after_done) break;
      auto records = consumer->poll(std::chrono::milliseconds(100));
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
  });

  client::ProducerConfig pc;
  pc.broker = global.broker;
  pc.client_id = "cairn-perf";
  pc.linger = std::chrono::milliseconds(0);
  auto producer = check(client::Producer::create(pc), "producer");
  std::string value(o.size, 'x');
  auto start = Clock::now();
  int64_t wall_start = wall_ns();
  std::atomic<int64_t> failed{0};
  for (int64_t i = 0; i < expected; ++i) {
    if (stop_requested()) {
      expected = i;
      break;
    }
    auto offset = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(i) / o.rate));
    pace_until(start + offset);
    int64_t intended = wall_start + offset.count();
    std::memcpy(value.data(), &intended, 8);
    client::ProducerRecord r;
    r.topic = o.topic;
    r.value = value;
    if (!producer->send(std::move(r), [&failed](auto res) {
          if (!res) ++failed;
        }).is_ok()) {
      ++failed;
    }
  }
  producer->flush().ignore_error();
  double send_secs = std::chrono::duration<double>(Clock::now() - start).count();
  producing_done = true;
  reader.join();
  consumer->close();
  double achieved = static_cast<double>(expected.load()) / send_secs;
  write_histogram(o.histogram_file, e2e);
  if (o.json) {
    fmt::print(R"({{"mode":"e2e","topic":"{}","rate":{},"duration_s":{},"size":{},"durability":"{}","sent":{},"received":{},"failed":{},"achieved_rate":{:.0f},"latency_us":{}}})"
               "\n",
               o.topic, o.rate, o.duration_s, o.size, durability, expected.load(), received.load(), failed.load(), achieved,
               latency_json(e2e));
  } else {
    fmt::print("e2e: {} records at {:.0f}/s (achieved {:.0f}/s), {} received, durability {}\n", expected.load(),
               o.rate, achieved, received.load(), durability);
    fmt::print("latency intended send to receive, us: p50 {} p90 {} p99 {} p99.9 {} max {}\n",
               e2e.percentile(50), e2e.percentile(90), e2e.percentile(99), e2e.percentile(99.9), e2e.max());
  }
  fmt::print("RESULT mode=e2e n={} achieved_rate={:.0f} p50_us={} p99_us={} p999_us={}\n", received.load(),
             achieved, e2e.percentile(50), e2e.percentile(99), e2e.percentile(99.9));
  if (received < expected) {
    throw CliError(kExitError, fmt::format("only {} of {} records arrived", received.load(), expected.load()));
  }
}

}  // namespace

void add_perf_command(CLI::App& app, const GlobalOptions& global) {
  auto* perf = app.add_subcommand("perf", "Throughput and latency runs");
  perf->require_subcommand(1);

  auto po = std::make_shared<PerfOptions>();
  auto* produce = perf->add_subcommand("produce", "Produce records as fast as possible, or at --rate");
  produce->add_option("topic", po->topic)->required();
  produce->add_option("--count", po->count, "Records to produce")->capture_default_str();
  produce->add_option("--size", po->size, "Value bytes per record")->capture_default_str();
  produce->add_option("--rate", po->rate, "Records/s in all, open loop (default: as fast as possible)");
  produce->add_option("--producers", po->producers, "Producers, each on its own connection")->capture_default_str();
  produce->add_option("--acks", po->acks, "0, 1 or all")->capture_default_str();
  produce->add_option("--batch-bytes", po->batch_bytes, "Largest batch")->capture_default_str();
  produce->add_option("--linger-ms", po->linger_ms, "Linger (default 5, or 0 with --rate)");
  produce->add_option("--keys", po->keys, "Distinct keys, hashed to partitions (default: unkeyed)");
  produce->add_flag("--json", po->json, "One JSON object with every figure");
  produce->add_option("--histogram", po->histogram_file, "Write the latency distribution to FILE");
  produce->callback([po, &global] { run_perf_produce(*po, global); });

  auto co = std::make_shared<PerfOptions>();
  auto* consume = perf->add_subcommand("consume", "Consume records from the beginning as fast as possible");
  consume->add_option("topic", co->topic)->required();
  consume->add_option("--count", co->count, "Records to consume")->capture_default_str();
  consume->add_option("--group", co->group, "Consume as this group (default: no group, every partition)");
  consume->add_option("--consumers", co->consumers, "Consumers (with --group)")->capture_default_str();
  consume->add_flag("--json", co->json, "One JSON object with every figure");
  consume->callback([co, &global] { run_perf_consume(*co, global); });

  auto eo = std::make_shared<PerfOptions>();
  auto* e2e = perf->add_subcommand("e2e", "Produce at --rate and measure send-to-receive latency");
  e2e->add_option("topic", eo->topic)->required();
  e2e->add_option("--rate", eo->rate, "Records/s")->required();
  e2e->add_option("--duration", eo->duration_s, "Seconds")->capture_default_str();
  e2e->add_option("--size", eo->size, "Value bytes per record (at least 8)")->capture_default_str();
  e2e->add_flag("--json", eo->json, "One JSON object with every figure");
  e2e->add_option("--histogram", eo->histogram_file, "Write the latency distribution to FILE");
  e2e->callback([eo, &global] { run_perf_e2e(*eo, global); });
}

}  // namespace cairn::tools
