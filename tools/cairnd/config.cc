#include "tools/cairnd/config.h"

#include <algorithm>
#include <fstream>
#include <istream>
#include <iterator>

#include "protocol/wire_format.h"
#include "tools/common/did_you_mean.h"

namespace cairn::tools {

namespace {

// Options that are not settings, so not config keys.
bool is_setting(const CLI::Option* option) {
  for (const auto& name : option->get_lnames()) {
    if (name == "help" || name == "version" || name == "config" || name == "print-config" ||
        name == "man-page") {
      return false;
    }
  }
  return !option->get_lnames().empty();
}

std::vector<std::string> setting_keys(const CLI::App& app) {
  std::vector<std::string> keys;
  for (const CLI::Option* option : app.get_options()) {
    if (is_setting(option)) keys.push_back(option->get_lnames().front());
  }
  return keys;
}

// CLI11's TOML reader, made strict: every key must be a setting's flag name, at the top level.
// CLI11 itself skips unknown keys and sections, so a typo would silently leave a setting at its
// default (a data directory under the current directory, the well-known port).
class StrictConfig : public CLI::ConfigTOML {
 public:
  explicit StrictConfig(const CLI::App& app) : app_(app) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    auto items = CLI::ConfigTOML::from_config(input);
    auto keys = setting_keys(app_);
    for (const auto& item : items) {
      if (!item.parents.empty()) {
        throw CLI::ConfigError("section [" + item.parents.front() +
                               "] is not allowed: every key goes at the top level");
      }
      if (std::find(keys.begin(), keys.end(), item.name) == keys.end()) {
        auto near = closest(item.name, keys);
        throw CLI::ConfigError("unknown key '" + item.name + "'" +
                               (near ? " (did you mean '" + *near + "'?)" : ""));
      }
    }
    return items;
  }

 private:
  const CLI::App& app_;
};

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// HOST:PORT (an IPv6 host in brackets) for `flag`.
Status parse_host_port(const std::string& flag, const std::string& text, std::string& host,
                       uint16_t& port) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos) return Status::invalid_argument(flag + " must be HOST:PORT");
  host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  try {
    size_t used = 0;
    std::string port_text = text.substr(colon + 1);
    int value = std::stoi(port_text, &used);
    if (used != port_text.size() || value < 0 || value > 65535) throw std::out_of_range("port");
    port = static_cast<uint16_t>(value);
  } catch (const std::exception&) {
    return Status::invalid_argument(flag + ": bad port in '" + text + "'");
  }
  return Status::ok();
}

}  // namespace

DaemonCommandLine::DaemonCommandLine(DaemonFlags& f, broker::BrokerConfig& config)
    : flags_(f),
      config_(config),
      app_(std::make_unique<CLI::App>("cairnd: the Cairn broker daemon", "cairnd")) {
  CLI::App& app = *app_;
  config_file_ = app.set_config("--config", "",
                                "Read settings from a TOML file (keys are the long flag names)");
  app.config_formatter(std::make_shared<StrictConfig>(app));
  app.allow_extras();  // reported by parse(), with a suggestion
  app.add_flag("--print-config", f.print_config,
               "Print the effective configuration (a config file, each value's source in a "
               "comment) and exit");
  app.add_flag("--man-page", f.man_page, "Print the man page (roff) and exit")->group("");
  app.add_option("--listen", f.listen, "Address to serve on, HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--http-listen", f.http_listen,
                 "Address of the HTTP listener for /metrics, /healthz, /readyz, the JSON API and "
                 "the web console, HOST:PORT (port 0: any free port; empty: off)")
      ->capture_default_str();
  app.add_option("--kafka-listen", f.kafka_listen,
                 "Address to serve Kafka clients on, HOST:PORT (port 0: any free port; empty: off)")
      ->capture_default_str();
  app.add_option(
         "--kafka-advertised", f.kafka_advertised,
         "Address Kafka clients are told to connect to, HOST:PORT (default: --kafka-listen)")
      ->capture_default_str();
  app.add_option("--data-dir", f.data_dir, "Where topics and their logs live")
      ->capture_default_str();
  app.add_option("--log-level", f.log_level, "trace, debug, info, warn, error, critical or off")
      ->capture_default_str()
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"},
                            CLI::ignore_case));
  app.add_option("--threads", config.threads, "Cores to use (0: one per CPU)")
      ->capture_default_str();
  app.add_option("--io-backend", f.io_backend, "auto, uring or posix")->capture_default_str();
  auto& l = config.limits;
  app.add_option("--max-frame-bytes", l.max_frame_bytes, "Largest request frame read")
      ->capture_default_str();
  max_batch_bytes_ = app.add_option("--max-batch-bytes", l.max_batch_bytes,
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
  app.add_option("--cleaner-bytes-per-sec", config.cleaner_bytes_per_sec,
                 "Bytes each core's compaction cleaner reads per second at most (0: no compaction)")
      ->capture_default_str();
  app.add_option("--cleaner-check-ms", f.cleaner_check_ms,
                 "How often an idle cleaner looks for a partition to compact")
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
  app.add_option("--transaction-max-timeout-ms", f.transaction_max_timeout_ms,
                 "The longest transaction timeout a transactional producer may ask for")
      ->capture_default_str();
  app.add_option("--node-id", config.node_id,
                 "This broker's id: in Metadata, and a follower's replica id in its fetches")
      ->capture_default_str()
      ->group("Replication");
  app.add_option("--replica-of", f.replica_of,
                 "Follow the broker at HOST:PORT: copy its topics and records, refuse produce")
      ->group("Replication");
  app.add_option("--replica-user", f.replica_user,
                 "The follower logs in to a SASL leader as this user (SCRAM)")
      ->group("Replication");
  app.add_option("--replica-password-file", f.replica_password_file,
                 "The file holding --replica-user's password (one line)")
      ->group("Replication");
  app.add_option("--replica-lag-max-ms", f.replica_lag_max_ms,
                 "A follower not caught up for this long leaves the in-sync set")
      ->capture_default_str()
      ->group("Replication");
  app.add_option("--min-insync-replicas", config.replication.min_insync_replicas,
                 "acks=all fails with NOT_ENOUGH_REPLICAS when fewer replicas are in sync")
      ->capture_default_str()
      ->group("Replication");
  app.add_option("--tls-cert", f.tls_cert,
                 "PEM certificate (and chain) of the listener: clients connect with TLS")
      ->group("Security");
  app.add_option("--tls-key", f.tls_key, "PEM private key of --tls-cert (unencrypted)")
      ->group("Security");
  app.add_option("--tls-client-ca", f.tls_client_ca,
                 "PEM CAs whose certificates every client must present (mutual TLS)")
      ->group("Security");
  app.add_option("--tls-principal-rules", f.tls_principal_rules,
                 "Client certificate subject -> principal, Kafka's ssl.principal.mapping.rules "
                 "syntax (default: the CN)")
      ->group("Security");
  app.add_option("--sasl-mechanisms", f.sasl_mechanisms,
                 "SCRAM-SHA-256, SCRAM-SHA-512, PLAIN (TLS only), comma separated")
      ->group("Security");
  app.add_option("--authorizer", f.authorizer, "on: every request is checked against the ACLs")
      ->check(CLI::IsMember({"on", "off"}))
      ->capture_default_str()
      ->group("Security");
  app.add_option("--super-users", f.super_users,
                 "Principals allowed everything, User:NAME, comma separated")
      ->group("Security");
}

std::vector<std::string> DaemonCommandLine::keys() const { return setting_keys(*app_); }

void DaemonCommandLine::parse(std::vector<std::string> args) {
  for (const auto& arg : args) {
    if (arg.rfind("--", 0) == 0) from_command_line_.insert(arg.substr(2, arg.find('=') - 2));
  }
  std::reverse(args.begin(), args.end());  // CLI11 takes them last first
  try {
    app_->parse(args);
  } catch (const CLI::ConfigError& e) {
    if (config_file_->empty()) throw;
    throw CLI::ParseError("--config " + config_file_->as<std::string>() + ": " + e.what(),
                          CLI::ExitCodes::ConfigError);
  }
  if (auto extras = app_->remaining(); !extras.empty()) {
    const std::string& arg = extras.front();
    if (arg.rfind('-', 0) != 0) {
      throw CLI::ParseError("unexpected argument '" + arg + "'", CLI::ExitCodes::ExtrasError);
    }
    std::string flag = arg.substr(0, arg.find('='));
    auto near = closest(flag.substr(flag.find_first_not_of('-')), keys());
    throw CLI::ParseError("unknown flag " + flag + (near ? " (did you mean --" + *near + "?)" : ""),
                          CLI::ExitCodes::ExtrasError);
  }
}

Status DaemonCommandLine::resolve() {
  // --log-level is checked ignoring case; the logger knows only lowercase names.
  for (char& c : flags_.log_level)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const DaemonFlags& f = flags_;
  broker::BrokerConfig& config = config_;
  CAIRN_RETURN_IF_ERROR(parse_host_port("--listen", f.listen, config.host, config.port));
  auto& kafka = config.kafka;
  kafka.enabled = !f.kafka_listen.empty();
  if (kafka.enabled) {
    CAIRN_RETURN_IF_ERROR(
        parse_host_port("--kafka-listen", f.kafka_listen, kafka.host, kafka.port));
    kafka.advertised_host = kafka.host;
    kafka.advertised_port = 0;
    if (!f.kafka_advertised.empty()) {
      CAIRN_RETURN_IF_ERROR(parse_host_port("--kafka-advertised", f.kafka_advertised,
                                            kafka.advertised_host, kafka.advertised_port));
    }
  }
  config.http_enabled = !f.http_listen.empty();
  if (config.http_enabled) {
    CAIRN_RETURN_IF_ERROR(
        parse_host_port("--http-listen", f.http_listen, config.http_host, config.http_port));
  }
  config.data_dir = f.data_dir;
  auto backend = storage::parse_backend_kind(f.io_backend);
  if (!backend) return Status::invalid_argument("--io-backend: " + backend.error().message());
  config.io_backend = *backend;
  auto& d = config.topic_defaults;
  auto fsync = storage::DurabilityPolicy::parse(f.fsync);
  if (!fsync) return Status::invalid_argument("--fsync: " + fsync.error().message());
  d.durability = *fsync;
  d.segment_bytes = f.segment_bytes;
  d.segment_age = std::chrono::milliseconds(f.segment_ms);
  if (f.retention_bytes >= 0) d.retention_bytes = static_cast<uint64_t>(f.retention_bytes);
  if (f.retention_ms >= 0) d.retention_age = std::chrono::milliseconds(f.retention_ms);
  if (auto s = d.validate(); !s.is_ok())
    return Status::invalid_argument("topic defaults: " + s.message());
  auto& l = config.limits;
  if (f.idle_timeout_ms < 1 || f.request_timeout_ms < 1 || f.first_request_timeout_ms < 1) {
    return Status::invalid_argument(
        "--idle-timeout-ms, --request-timeout-ms and --first-request-timeout-ms must be >= 1");
  }
  l.idle_timeout = std::chrono::milliseconds(f.idle_timeout_ms);
  l.request_timeout = std::chrono::milliseconds(f.request_timeout_ms);
  l.first_request_timeout = std::chrono::milliseconds(f.first_request_timeout_ms);
  if (max_batch_bytes_->count() == 0)
    l.max_batch_bytes = std::min(l.max_batch_bytes, l.max_frame_bytes);
  if (l.max_batch_bytes < protocol::batch::kHeaderSize || l.max_batch_bytes > l.max_frame_bytes ||
      l.max_batch_bytes > protocol::batch::kMaxBatchLength) {
    return Status::invalid_argument(
        "--max-batch-bytes must be between " + std::to_string(protocol::batch::kHeaderSize) +
        " and --max-frame-bytes (" + std::to_string(l.max_frame_bytes) + "), at most 1 GiB");
  }
  max_batch_bytes_->default_str(std::to_string(l.max_batch_bytes));
  if (l.max_connections_per_ip < 1)
    return Status::invalid_argument("--max-connections-per-ip must be >= 1");
  config.retention_check_interval =
      std::chrono::milliseconds(std::max<int64_t>(f.retention_check_ms, 10));
  config.cleaner_check_interval =
      std::chrono::milliseconds(std::max<int64_t>(f.cleaner_check_ms, 10));
  config.groups.rebalance_delay =
      std::chrono::milliseconds(std::max<int64_t>(f.group_rebalance_delay_ms, 0));
  config.groups.offsets_retention =
      std::chrono::milliseconds(std::max<int64_t>(f.offsets_retention_ms, 1));
  if (config.groups.offsets_partitions < 1 || config.groups.offsets_partitions > 1000) {
    return Status::invalid_argument("--offsets-partitions must be between 1 and 1000");
  }
  if (f.transaction_max_timeout_ms < 1) {
    return Status::invalid_argument("--transaction-max-timeout-ms must be >= 1");
  }
  config.transactions.max_timeout = std::chrono::milliseconds(f.transaction_max_timeout_ms);
  // The transaction states take as many partitions as the committed offsets.
  config.transactions.state_partitions = config.groups.offsets_partitions;
  if (config.node_id < 0) return Status::invalid_argument("--node-id must be >= 0");
  auto& replication = config.replication;
  if (!f.replica_of.empty()) {
    CAIRN_RETURN_IF_ERROR(parse_host_port("--replica-of", f.replica_of, replication.leader_host,
                                          replication.leader_port));
  }
  if (f.replica_user.empty() != f.replica_password_file.empty()) {
    return Status::invalid_argument("--replica-user and --replica-password-file go together");
  }
  if (!f.replica_user.empty()) {
    std::ifstream in(f.replica_password_file, std::ios::binary);
    if (!in)
      return Status::not_found("cannot read --replica-password-file " + f.replica_password_file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.ends_with("\n")) text.pop_back();
    if (text.ends_with("\r")) text.pop_back();
    if (text.empty() || text.find_first_of("\r\n") != std::string::npos) {
      return Status::invalid_argument("--replica-password-file must hold one non-empty line");
    }
    flags_.replica_password = std::move(text);
  }
  if (f.replica_lag_max_ms < 1)
    return Status::invalid_argument("--replica-lag-max-ms must be >= 1");
  replication.lag_max = std::chrono::milliseconds(f.replica_lag_max_ms);
  if (replication.min_insync_replicas < 1 || replication.min_insync_replicas > 2) {
    return Status::invalid_argument(
        "--min-insync-replicas must be 1 or 2 (a leader has at most one follower)");
  }
  return resolve_security();
}

Status DaemonCommandLine::resolve_security() {
  const DaemonFlags& f = flags_;
  broker::security::SecurityConfig& sec = config_.security;
  if (!f.tls_cert.empty()) sec.tls_cert = f.tls_cert;
  if (!f.tls_key.empty()) sec.tls_key = f.tls_key;
  if (!f.tls_client_ca.empty()) sec.tls_client_ca = f.tls_client_ca;
  sec.tls_principal_rules = f.tls_principal_rules;
  auto mechanisms = broker::security::parse_sasl_mechanisms(f.sasl_mechanisms);
  if (!mechanisms) return mechanisms.error();
  sec.sasl_mechanisms = std::move(*mechanisms);
  auto authorizer = broker::security::parse_on_off(f.authorizer);
  if (!authorizer) return authorizer.error().with_context("--authorizer");
  sec.authorizer = *authorizer;
  auto super_users = broker::security::parse_super_users(f.super_users);
  if (!super_users) return super_users.error();
  sec.super_users = std::move(*super_users);
  CAIRN_RETURN_IF_ERROR(sec.validate());
  // Refused rather than accepted and ignored: a broker must not run less safely than asked.
  return Status::ok();
}

std::string DaemonCommandLine::effective_config() const {
  std::string out =
      "# cairnd's effective configuration, a config file itself (cairnd --config FILE);\n"
      "# after each value, where it came from: default, file or flag.\n";
  for (const CLI::Option* option : app_->get_options()) {
    if (!is_setting(option)) continue;
    const std::string& key = option->get_lnames().front();
    std::string value;
    if (option->get_items_expected_max() == 0) {
      value = option->count() > 0 && option->as<bool>() ? "true" : "false";
    } else {
      value = option->count() > 0 ? option->as<std::string>() : option->get_default_str();
      if (option->get_type_name().rfind("TEXT", 0) == 0) value = toml_string(value);
    }
    std::string source = option->count() == 0 ? "default"
                         : from_command_line_.count(key) > 0
                             ? "flag"
                             : "file " + config_file_->as<std::string>();
    out.append(key).append(" = ").append(value).append("  # ").append(source).append("\n");
  }
  return out;
}

}  // namespace cairn::tools
