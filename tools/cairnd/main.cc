// cairnd: the Cairn broker daemon. Flags and an optional TOML config file (--config) fill a
// BrokerConfig; SIGINT or SIGTERM stops it gracefully (a second one exits at once). A mistake in
// either (an unknown flag, key, section or value) stops it before it starts, with one line that
// names it and exit code 2.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <istream>
#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"
#include "protocol/wire_format.h"

namespace {

using cairn::broker::BrokerConfig;

// Exit codes (README, "cairnd"); 0 is a clean stop.
constexpr int kExitCannotStart = 1;  // the port, the data directory lock, storage
constexpr int kExitUsage = 2;        // a bad flag, config key or value
constexpr int kExitUncleanStop = 3;  // stopped, but some partition was not flushed and closed

// Edits (insertions, deletions, substitutions, swaps of neighbours) between two names.
size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// The long flag names (without "--") a config file may set.
std::vector<std::string> config_keys(const CLI::App& app) {
  std::vector<std::string> keys;
  for (const CLI::Option* option : app.get_options()) {
    for (const auto& name : option->get_lnames()) {
      if (name != "help" && name != "version" && name != "config") keys.push_back(name);
    }
  }
  return keys;
}

// " (did you mean 'KEY'?)" for the known key closest to `name`, if it is within two edits.
std::string suggestion(std::string_view name, const std::vector<std::string>& keys,
                       std::string_view quote_left, std::string_view quote_right) {
  const std::string* best = nullptr;
  size_t best_distance = 3;
  for (const auto& key : keys) {
    size_t d = edit_distance(name, key);
    if (d < best_distance) {
      best = &key;
      best_distance = d;
    }
  }
  if (!best) return "";
  return " (did you mean " + std::string(quote_left) + *best + std::string(quote_right) + "?)";
}

// CLI11's TOML reader, made strict: every key must be a flag name, at the top level. CLI11
// itself skips unknown keys and sections, so a typo would silently leave a setting at its
// default (a data directory under the current directory, the well-known port).
class StrictConfig : public CLI::ConfigTOML {
 public:
  explicit StrictConfig(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigTOML::from_config(input);
    auto keys = config_keys(app_);
    for (const auto& item : items) {
      if (!item.parents.empty()) {
        throw CLI::ConfigError("section [" + item.parents.front() +
                               "] is not allowed: every key goes at the top level");
      }
      if (std::find(keys.begin(), keys.end(), item.name) == keys.end()) {
        throw CLI::ConfigError("unknown key '" + item.name + "'" + suggestion(item.name, keys, "'", "'"));
      }
    }
    return items;
  }

 private:
  const CLI::App& app_;
};

struct Flags {
  std::string listen = "127.0.0.1:9292";
  std::string data_dir = "./cairn-data";
  std::string log_level = "info";
  std::string io_backend = "auto";
  std::string fsync = "always";
  int64_t retention_ms = -1;
  int64_t retention_bytes = -1;
  int64_t segment_ms = 7LL * 24 * 3600 * 1000;
  uint64_t segment_bytes = 1ull << 30;
  int64_t idle_timeout_ms = 600'000;
  int64_t request_timeout_ms = 30'000;
  int64_t first_request_timeout_ms = 10'000;
  int64_t retention_check_ms = 300'000;
  int64_t group_rebalance_delay_ms = 200;
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
};

int fail(const std::string& message, int code = kExitCannotStart) {
  spdlog::error("{}", message);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("cairnd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  CLI::App app("cairnd: the Cairn broker daemon", "cairnd");
  app.set_version_flag("--version", "cairnd 0.1.0");
  CLI::Option* config_file =
      app.set_config("--config", "", "Read options from a TOML file (keys are the long flag names)");
  app.config_formatter(std::make_shared<StrictConfig>(app));
  app.allow_extras();  // reported below, with a suggestion
  BrokerConfig config;
  Flags f;
  app.add_option("--listen", f.listen, "Address to serve on, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--data-dir", f.data_dir, "Where topics and their logs live")->capture_default_str();
  app.add_option("--log-level", f.log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"},
                            CLI::ignore_case));
  app.add_option("--threads", config.threads, "Cores to use (0: one per CPU)")->capture_default_str();
  app.add_option("--io-backend", f.io_backend, "auto, uring or posix")->capture_default_str();
  auto& l = config.limits;
  app.add_option("--max-frame-bytes", l.max_frame_bytes, "Largest request frame read")
      ->capture_default_str();
  auto* max_batch_bytes =
      app.add_option("--max-batch-bytes", l.max_batch_bytes,
                     "Largest record batch a producer may send (default: 8 MiB, or "
                     "--max-frame-bytes if smaller; at most --max-frame-bytes)");
  app.add_option("--max-connections", l.max_connections, "Connections served at once")
      ->capture_default_str();
  app.add_option("--max-connections-per-ip", l.max_connections_per_ip,
                 "Connections served at once from one client address")
      ->capture_default_str();
  app.add_option("--max-inflight-requests", l.max_inflight_requests,
                 "Unanswered requests per connection before it is cut off")
      ->capture_default_str();
  app.add_option("--idle-timeout-ms", f.idle_timeout_ms, "Close connections idle this long")
      ->capture_default_str();
  app.add_option("--request-timeout-ms", f.request_timeout_ms,
                 "Close connections that leave a request frame half sent this long")
      ->capture_default_str();
  app.add_option("--first-request-timeout-ms", f.first_request_timeout_ms,
                 "Close new connections that send no whole request within this long")
      ->capture_default_str();
  app.add_option("--request-memory-bytes", l.request_memory_bytes,
                 "Request buffers held at once across connections")
      ->capture_default_str();
  app.add_flag("--auto-create-topics", config.auto_create_topics,
               "Create unknown topics on first produce or metadata request");
  auto& d = config.topic_defaults;
  app.add_option("--partitions", d.partitions, "Default partitions of a new topic")
      ->capture_default_str();
  app.add_option("--segment-bytes", f.segment_bytes, "Default segment size")->capture_default_str();
  app.add_option("--segment-ms", f.segment_ms, "Default segment age before a roll")
      ->capture_default_str();
  app.add_option("--retention-bytes", f.retention_bytes, "Default retention by size (-1: none)")
      ->capture_default_str();
  app.add_option("--retention-ms", f.retention_ms, "Default retention by age (-1: none)")
      ->capture_default_str();
  app.add_option("--fsync", f.fsync, "Default durability: always, interval:MS or never")
      ->capture_default_str();
  app.add_option("--retention-check-ms", f.retention_check_ms, "How often retention runs")
      ->capture_default_str();
  app.add_option("--group-rebalance-delay-ms", f.group_rebalance_delay_ms,
                 "How long a rebalance waits for more members to join")
      ->capture_default_str();
  app.add_option("--offsets-retention-ms", f.offsets_retention_ms,
                 "Forget the committed offsets of a group empty for this long")
      ->capture_default_str();
  app.add_option("--offsets-partitions", config.groups.offsets_partitions,
                 "Partitions of the internal __consumer_offsets topic (fixed once it exists)")
      ->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    std::string where = dynamic_cast<const CLI::ConfigError*>(&e) && !config_file->empty()
                            ? "--config " + config_file->results().front() + ": "
                            : "";
    return fail(where + e.what(), kExitUsage);
  }
  if (auto extras = app.remaining(); !extras.empty()) {
    const std::string& arg = extras.front();
    if (arg.rfind("-", 0) != 0) return fail("unexpected argument '" + arg + "'", kExitUsage);
    std::string flag = arg.substr(0, arg.find('='));
    return fail("unknown flag " + flag + suggestion(flag.substr(flag.find_first_not_of('-')),
                                                  config_keys(app), "--", ""),
                kExitUsage);
  }

  spdlog::set_level(spdlog::level::from_str(f.log_level));
  auto colon = f.listen.rfind(':');
  if (colon == std::string::npos) return fail("--listen must be HOST:PORT", kExitUsage);
  config.host = f.listen.substr(0, colon);
  if (config.host.size() > 2 && config.host.front() == '[') config.host = config.host.substr(1, config.host.size() - 2);
  try {
    int port = std::stoi(f.listen.substr(colon + 1));
    if (port < 0 || port > 65535) throw std::out_of_range("port");
    config.port = static_cast<uint16_t>(port);
  } catch (const std::exception&) {
    return fail("--listen: bad port in '" + f.listen + "'", kExitUsage);
  }
  config.data_dir = f.data_dir;
  auto backend = cairn::storage::parse_backend_kind(f.io_backend);
  if (!backend) return fail("--io-backend: " + backend.error().message(), kExitUsage);
  config.io_backend = *backend;
  auto fsync = cairn::storage::DurabilityPolicy::parse(f.fsync);
  if (!fsync) return fail("--fsync: " + fsync.error().message(), kExitUsage);
  d.durability = *fsync;
  d.segment_bytes = f.segment_bytes;
  d.segment_age = std::chrono::milliseconds(f.segment_ms);
  if (f.retention_bytes >= 0) d.retention_bytes = static_cast<uint64_t>(f.retention_bytes);
  if (f.retention_ms >= 0) d.retention_age = std::chrono::milliseconds(f.retention_ms);
  if (auto s = d.validate(); !s.is_ok()) return fail("topic defaults: " + s.message(), kExitUsage);
  l.idle_timeout = std::chrono::milliseconds(f.idle_timeout_ms);
  l.request_timeout = std::chrono::milliseconds(f.request_timeout_ms);
  l.first_request_timeout = std::chrono::milliseconds(f.first_request_timeout_ms);
  if (f.idle_timeout_ms < 1 || f.request_timeout_ms < 1 || f.first_request_timeout_ms < 1) {
    return fail("--idle-timeout-ms, --request-timeout-ms and --first-request-timeout-ms must be >= 1", 2);
  }
  if (max_batch_bytes->count() == 0) l.max_batch_bytes = std::min(l.max_batch_bytes, l.max_frame_bytes);
  if (l.max_batch_bytes < cairn::protocol::batch::kHeaderSize ||
      l.max_batch_bytes > l.max_frame_bytes ||
      l.max_batch_bytes > cairn::protocol::batch::kMaxBatchLength) {
    return fail("--max-batch-bytes must be between " +
                    std::to_string(cairn::protocol::batch::kHeaderSize) +
                    " and --max-frame-bytes (" + std::to_string(l.max_frame_bytes) + "), at most 1 GiB",
                2);
  }
  if (l.max_connections_per_ip < 1) return fail("--max-connections-per-ip must be >= 1", 2);
  config.retention_check_interval = std::chrono::milliseconds(std::max<int64_t>(f.retention_check_ms, 10));
  config.groups.rebalance_delay = std::chrono::milliseconds(std::max<int64_t>(f.group_rebalance_delay_ms, 0));
  config.groups.offsets_retention = std::chrono::milliseconds(std::max<int64_t>(f.offsets_retention_ms, 1));
  if (config.groups.offsets_partitions < 1 || config.groups.offsets_partitions > 1000) {
    return fail("--offsets-partitions must be between 1 and 1000", kExitUsage);
  }

  // Signals are taken by sigwait below, never by the worker threads.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  cairn::broker::Broker broker(std::move(config));
  if (auto s = broker.start(); !s.is_ok()) return fail("cannot start: " + s.message());

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("{} received", sig == SIGINT ? "SIGINT" : "SIGTERM");
  std::thread([stop_signals]() mutable {
    int again = 0;
    sigwait(&stop_signals, &again);
    spdlog::warn("second signal: exiting without a clean stop");
    _exit(1);
  }).detach();
  broker.request_stop();
  broker.wait();
  // A stop that could not close every partition cleanly (a full disk, an I/O error) must not
  // look like a clean one to whoever runs the broker.
  return broker.stop_failures() > 0 ? kExitUncleanStop : 0;
}
