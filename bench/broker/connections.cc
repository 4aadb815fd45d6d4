// cairn_connections_bench: many producer connections, each at a low rate, against a running
// cairnd, to see whether the broker's CPU and latency stay flat as connections grow at the same
// total rate (issue 17: 1,000 connections at 100 records/s each). One thread multiplexes every
// connection, so the generator itself stays cheap (its CPU is printed).
//
// Usage: cairn_connections_bench HOST:PORT TOPIC PARTITIONS CONNECTIONS RATE SECONDS [BROKER_PID]
// Each connection sends Produce requests (acks 1, one record of 100 B, to partition
// connection mod PARTITIONS) at RATE / CONNECTIONS per second, one at a time, the connections'
// sends spread evenly over each interval. A request is due at its intended time; a late one
// goes as soon as the one before is answered, and its latency counts from when it was due (no
// coordinated omission). Prints one line: connections, requests/s answered, errors, latency
// p50/p99/p99.9 in us, and the CPU the generator and (with BROKER_PID, from /proc/PID/stat) the
// broker used over the run, in % of one core.
#include <sys/resource.h>
#include <unistd.h>

#include <utility>  // before Asio: Boost 1.74's awaitable.hpp needs it under g++ 12

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "protocol/api.h"
#include "protocol/byte_io.h"
#include "protocol/frame.h"
#include "protocol/messages/produce.h"
#include "protocol/record_batch_builder.h"

namespace {

namespace asio = boost::asio;
namespace protocol = cairn::protocol;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

struct Run {
  std::string topic;
  int32_t partitions = 1;
  std::chrono::nanoseconds interval{};
  Clock::time_point end;
  std::vector<uint32_t> latencies_us;
  long errors = 0;
  int open = 0;  // connections still running
};

// One connection: a request out, its answer in, then the next at its due time.
class Producer : public std::enable_shared_from_this<Producer> {
 public:
  Producer(asio::io_context& io, Run& run, int id, Clock::time_point first)
      : socket_(io), timer_(io), run_(run), id_(id), due_(first) {
    protocol::RecordBatchBuilder builder;
    std::string value(100, 'x');
    builder.append(cairn::system_now(), std::nullopt, protocol::as_bytes(value));
    batch_ = builder.seal();
  }

  void start(const tcp::endpoint& broker) {
    ++run_.open;
    socket_.async_connect(broker, [self = shared_from_this()](boost::system::error_code ec) {
      if (ec) return self->fail("connect", ec);
      self->socket_.set_option(tcp::no_delay(true));
      self->wait();
    });
  }

 private:
  void wait() {
    if (due_ >= run_.end) return finish();
    timer_.expires_at(due_);
    timer_.async_wait([self = shared_from_this()](boost::system::error_code) { self->send(); });
  }

  void send() {
    protocol::ProduceRequest req;
    req.acks = 1;
    req.topics.push_back({run_.topic, {{id_ % run_.partitions, protocol::MutableBytes(batch_)}}});
    frame_.clear();
    protocol::encode_request(
        frame_, {static_cast<uint16_t>(protocol::ApiKey::kProduce), 0, ++correlation_, "conns"},
        req);
    asio::async_write(socket_, asio::buffer(frame_),
                      [self = shared_from_this()](boost::system::error_code ec, size_t) {
                        if (ec) return self->fail("write", ec);
                        self->read_length();
                      });
  }

  void read_length() {
    asio::async_read(socket_, asio::buffer(length_),
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       if (ec) return self->fail("read", ec);
                       uint32_t n = protocol::load_le<uint32_t>(self->length_.data());
                       if (n > (1u << 20)) return self->fail("read", {});
                       self->answer_.resize(n);
                       self->read_answer();
                     });
  }

  void read_answer() {
    asio::async_read(socket_, asio::buffer(answer_),
                     [self = shared_from_this()](boost::system::error_code ec, size_t) {
                       if (ec) return self->fail("read", ec);
                       self->answered();
                     });
  }

  void answered() {
    auto r = protocol::decode_response(answer_);
    bool ok = r && r->error == protocol::ErrorCode::kNone;
    if (ok) {
      auto body = protocol::ProduceResponse::decode(r->body, 0);
      ok = body && !body->topics.empty() && !body->topics[0].partitions.empty() &&
           body->topics[0].partitions[0].error == protocol::ErrorCode::kNone;
    }
    if (!ok) ++run_.errors;
    auto late = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - due_);
    run_.latencies_us.push_back(static_cast<uint32_t>(std::max<int64_t>(late.count(), 0)));
    due_ += run_.interval;
    wait();
  }

  void fail(const char* what, boost::system::error_code ec) {
    std::fprintf(stderr, "connection %d: %s: %s\n", id_, what, ec.message().c_str());
    ++run_.errors;
    finish();
  }

  void finish() {
    --run_.open;
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

  tcp::socket socket_;
  asio::steady_timer timer_;
  Run& run_;
  int id_;
  Clock::time_point due_;
  uint32_t correlation_ = 0;
  std::vector<std::byte> batch_;
  std::vector<std::byte> frame_;
  std::array<std::byte, 4> length_{};
  std::vector<std::byte> answer_;
};

double own_cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(r.ru_utime) + s(r.ru_stime);
}

// utime + stime of process `pid` in seconds; -1 when it cannot be read.
double process_cpu_seconds(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t close = stat.rfind(')');
  if (pid.empty() || close == std::string::npos) return -1;
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  double ticks = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {
    if (i == 14 || i == 15) ticks += std::stod(f);  // utime, stime
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

uint32_t percentile(std::vector<uint32_t>& v, double p) {
  if (v.empty()) return 0;
  auto k = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 7) {
    std::fprintf(stderr,
                 "usage: cairn_connections_bench HOST:PORT TOPIC PARTITIONS CONNECTIONS RATE "
                 "SECONDS [BROKER_PID]\n");
    return 2;
  }
  std::string address = argv[1];
  size_t colon = address.rfind(':');
  if (colon == std::string::npos) return 2;
  int connections = std::stoi(argv[4]);
  double rate = std::stod(argv[5]);
  double seconds = std::stod(argv[6]);
  std::string broker_pid = argc > 7 ? argv[7] : "";
  if (connections < 1 || rate <= 0 || seconds <= 0) return 2;

  asio::io_context io;
  Run run;
  run.topic = argv[2];
  run.partitions = std::max(1, std::stoi(argv[3]));
  run.interval = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * connections / rate));
  tcp::endpoint broker(asio::ip::make_address(address.substr(0, colon)),
                       static_cast<uint16_t>(std::stoi(address.substr(colon + 1))));
  // A second to connect, then the run; each connection's sends offset by its share of an
  // interval.
  Clock::time_point start = Clock::now() + std::chrono::seconds(1);
  run.end = start + std::chrono::nanoseconds(static_cast<int64_t>(seconds * 1e9));
  run.latencies_us.reserve(static_cast<size_t>(rate * seconds * 1.1));
  for (int i = 0; i < connections; ++i) {
    auto phase = run.interval * i / connections;
    std::make_shared<Producer>(io, run, i, start + phase)->start(broker);
  }
  io.run_until(start);
  double cpu0 = own_cpu_seconds();
  double broker0 = process_cpu_seconds(broker_pid);
  io.run();
  double wall = std::chrono::duration<double>(Clock::now() - start).count();
  double cpu = own_cpu_seconds() - cpu0;
  double broker_cpu = broker0 < 0 ? -1 : process_cpu_seconds(broker_pid) - broker0;
  size_t answered = run.latencies_us.size();
  std::printf(
      "connections=%d requests_s=%.0f errors=%ld p50_us=%u p99_us=%u p999_us=%u "
      "generator_cpu_pct=%.1f broker_cpu_pct=%.1f\n",
      connections, static_cast<double>(answered) / wall, run.errors,
      percentile(run.latencies_us, 50), percentile(run.latencies_us, 99),
      percentile(run.latencies_us, 99.9), 100 * cpu / wall,
      broker_cpu < 0 ? -1.0 : 100 * broker_cpu / wall);
  return run.errors == 0 ? 0 : 1;
} catch (const std::exception& e) {  // a malformed argument or address, or out of memory
  std::fprintf(stderr, "cairn_connections_bench: %s\n", e.what());
  return 2;
}
