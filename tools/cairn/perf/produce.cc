// cairn perf produce: records as fast as possible, or open loop at --rate, from one or more
// producers, each on its own thread and connection; latency to acknowledgement.
#include <fmt/format.h>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

#include "cairn/producer.h"
#include "tools/cairn/perf/clickstream.h"
#include "tools/cairn/perf/perf.h"
#include "tools/cairn/signals.h"

namespace cairn::tools::perf {

namespace {

int16_t parse_acks(const std::string& acks) {
  if (acks == "0") return 0;
  if (acks == "1") return 1;
  if (acks == "all" || acks == "-1") return -1;
  throw CliError(kExitUsage, "--acks must be 0, 1 or all");
}

// One producer's counts. The sending thread writes only `value_bytes`, once at the end; the I/O
// thread writes the rest per acknowledgement, on cache lines of their own: a per-record write
// from the sending thread beside them made each line travel between cores per record.
struct ProducerStats {
  alignas(64) Histogram latency;  // touched only by the producer's I/O thread
  std::atomic<int64_t> acked{0};
  std::atomic<int64_t> failed{0};
  alignas(64) int64_t value_bytes = 0;  // of the records sent, set by the producer's own thread
  std::mutex error_mu;
  std::string first_error;

  void fail(const std::string& why) {
    ++failed;
    std::lock_guard lock(error_mu);
    if (first_error.empty()) first_error = why;
  }
};

client::Compression parse_codec(const std::string& name) {
  if (name == "none") return client::Compression::kNone;
  if (name == "gzip") return client::Compression::kGzip;
  if (name == "snappy") return client::Compression::kSnappy;
  if (name == "lz4") return client::Compression::kLz4;
  if (name == "zstd") return client::Compression::kZstd;
  throw CliError(kExitUsage, "--compression must be none, gzip, snappy, lz4 or zstd");
}

std::unique_ptr<client::Producer> make_producer(const PerfOptions& o, const GlobalOptions& global,
                                                int16_t acks, int linger) {
  client::ProducerConfig c;
  c.broker = global.broker;
  c.tls = global.tls;
  c.client_id = "cairn-perf";
  c.acks = acks;
  c.batch_bytes = o.batch_bytes;
  c.compression = parse_codec(o.compression);
  c.linger = std::chrono::milliseconds(linger);
  c.request_timeout = std::chrono::milliseconds(global.timeout_ms);
  c.buffer_bytes = std::max<size_t>(c.buffer_bytes, 4 * o.batch_bytes);
  return check(client::Producer::create(c), "producer");
}

// Unpaced, the latency of every kLatencySample-th record is measured: two clock reads per record
// were a third of the client CPU the run reports, and a systematic sample of every 16th record
// of a run's hundreds of thousands gives the same percentiles. Paced, every record's is.
constexpr int64_t kLatencySample = 16;

// Producer `p` of o.producers sends its share of o.count records, paced from `start` under
// --rate, then flushes.
void send_share(const PerfOptions& o, int p, client::Producer& producer, ProducerStats& st,
                Clock::time_point start, std::atomic<int64_t>& sent) {
  std::vector<std::string> payloads;
  if (o.payload == "json-clickstream") {
    payloads = ClickstreamGenerator(static_cast<uint64_t>(p) + 1).pool(4096);
  } else {
    payloads.emplace_back(o.size, 'x');
  }
  int64_t mine = o.count / o.producers + (p < o.count % o.producers ? 1 : 0);
  double rate = o.rate / o.producers;
  std::optional<Pacer> pacer;
  if (rate > 0) pacer.emplace(start, rate);
  // One record, reused: only what changes per record is assigned (a fixed payload never is).
  client::ProducerRecord r;
  r.topic = o.topic;
  r.value = payloads.front();
  int64_t value_bytes = 0;
  int64_t i = 0;
  for (; i < mine && !stop_requested(); ++i) {
    if (o.keys > 0) r.key = "key-" + std::to_string((i * o.producers + p) % o.keys);
    if (payloads.size() > 1) r.value = payloads[static_cast<size_t>(i) % payloads.size()];
    value_bytes += static_cast<int64_t>(r.value->size());
    Status s;
    if (pacer || i % kLatencySample == 0) {
      Clock::time_point release = pacer ? pacer->wait_for(i) : Clock::now();
      s = producer.send(r, [&st, release](const Result<client::RecordMetadata>& res) {
        if (!res) return st.fail(res.error().to_string());
        st.latency.record(
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - release).count());
        ++st.acked;
      });
    } else {
      s = producer.send(r, [&st](const Result<client::RecordMetadata>& res) {
        if (!res) return st.fail(res.error().to_string());
        ++st.acked;
      });
    }
    if (!s.is_ok()) st.fail(s.to_string());
  }
  st.value_bytes = value_bytes;
  sent += i;
  producer.flush().ignore_error();
}

}  // namespace

void run_produce(const PerfOptions& o, const GlobalOptions& global) {
  trap_stop_signals();
  int16_t acks = parse_acks(o.acks);
  if (o.producers < 1 || o.count < 1 || o.size < 1) {
    throw CliError(kExitUsage, "--count, --size and --producers must be positive");
  }
  if (o.payload != "fixed" && o.payload != "json-clickstream") {
    throw CliError(kExitUsage, "--payload must be fixed or json-clickstream");
  }
  std::string durability;
  {
    auto conn = connect(global);
    durability = describe_topic(*conn, o.topic, /*create_missing=*/true).settings.durability;
  }
  int linger = o.linger_ms >= 0 ? o.linger_ms : (o.rate > 0 ? 0 : 5);
  std::vector<std::unique_ptr<client::Producer>> producers;
  std::vector<std::unique_ptr<ProducerStats>> stats;
  for (int p = 0; p < o.producers; ++p) {
    producers.push_back(make_producer(o, global, acks, linger));
    stats.push_back(std::make_unique<ProducerStats>());
  }
  CpuMeter cpu;
  auto start = Clock::now();
  std::atomic<int64_t> sent{0};
  Progress progress(!o.json, [&] {
    int64_t acked = 0;
    for (auto& s : stats) acked += s->acked;
    double secs = std::chrono::duration<double>(Clock::now() - start).count();
    return fmt::format("produced {}/{} acknowledged, {:.0f} records/s", acked, o.count,
                       acked / secs);
  });
  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(o.producers));
  for (int p = 0; p < o.producers; ++p) {
    threads.emplace_back([&, p] {
      auto i = static_cast<size_t>(p);
      send_share(o, p, *producers[i], *stats[i], start, sent);
    });
  }
  for (auto& t : threads) t.join();
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  for (auto& p : producers) p->close();  // every callback has run once close() returns
  progress.stop();

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
  CpuMeter::Use used = cpu.used(count);
  double rps = static_cast<double>(acks == 0 ? count : acked) / secs;
  // Value bytes per record as sent (the JSON payloads vary in size), before any compression.
  int64_t value_bytes = 0;
  for (auto& s : stats) value_bytes += s->value_bytes;
  double mbs =
      count > 0 ? rps * static_cast<double>(value_bytes) / static_cast<double>(count) / 1e6 : 0.0;
  write_histogram(o.histogram_file, all);
  if (o.json) {
    fmt::print(R"({{"mode":"produce","topic":"{}","count":{},"size":{},"rate":{},"producers":{},)"
               R"("acks":"{}","batch_bytes":{},"linger_ms":{},"keys":{},"durability":"{}",)"
               R"("seconds":{:.3f},"records_per_sec":{:.0f},"mb_per_sec":{:.1f},"acknowledged":{},)"
               R"("failed":{},"latency_us":{},"client_cpu":{}}})"
               "\n",
               o.topic, count, o.size, o.rate, o.producers, o.acks, o.batch_bytes, linger, o.keys,
               durability, secs, rps, mbs, acked, failed, latency_json(all), cpu_json(used));
  } else {
    fmt::print(
        "produce: {} records of {} B in {:.2f} s: {:.0f} records/s, {:.1f} MB/s (acks={}, "
        "durability {}, {} producer{}, batch {} B, linger {} ms{}){}\n",
        count, o.size, secs, rps, mbs, o.acks, durability, o.producers, o.producers == 1 ? "" : "s",
        o.batch_bytes, linger, o.rate > 0 ? fmt::format(", target {:.0f} records/s", o.rate) : "",
        count < o.count ? fmt::format(", stopped early: {} of {} sent", count, o.count) : "");
    if (acks != 0) {
      fmt::print("latency {} to acknowledgement, us: p50 {} p90 {} p99 {} p99.9 {} max {}\n",
                 o.rate > 0 ? "scheduled send" : "send (every 16th record)", all.percentile(50),
                 all.percentile(90), all.percentile(99), all.percentile(99.9), all.max());
    }
    fmt::print("{}\n", cpu_text(used));
  }
  if (!o.json) {
    fmt::print(
        "RESULT mode=produce n={} msgs_s={:.0f} mb_s={:.1f} p50_us={} p99_us={} p999_us={} "
        "achieved_rate={:.0f} failed={}{}\n",
        count, rps, mbs, all.percentile(50), all.percentile(99), all.percentile(99.9), rps, failed,
        cpu_result_fields(used));
  }
  std::fflush(stdout);
  if (failed > 0) {
    throw CliError(kExitNotAcknowledged,
                   fmt::format("{} records were not acknowledged: {}", failed, first_error));
  }
}

}  // namespace cairn::tools::perf
