#pragma once

// cairnd's command line and config file. Every flag is also a key of the TOML config file (the
// long flag name, at the top level); a mistake in either (an unknown flag, key or section, a
// value that does not convert or is out of range) is an error that names it, never a default
// silently kept. The flags hold what CLI11 parses; resolve() turns them into a BrokerConfig.

#include <CLI/CLI.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker/config.h"
#include "protocol/status.h"

namespace cairn::tools {

// What the flags parse into before resolve() checks and converts them.
struct DaemonFlags {
  std::string listen = "127.0.0.1:9292";
  std::string http_listen = "127.0.0.1:9644";
  std::string kafka_listen = "127.0.0.1:9092";  // empty: no Kafka listener
  std::string kafka_advertised;                 // empty: the Kafka listen address
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
  int64_t cleaner_check_ms = 15'000;
  int64_t group_rebalance_delay_ms = 200;
  int64_t offsets_retention_ms = 7LL * 24 * 3600 * 1000;
  int64_t transaction_max_timeout_ms = 15LL * 60 * 1000;
  std::string tls_cert;  // empty: no TLS
  std::string tls_key;
  std::string tls_client_ca;        // empty: no client certificates asked for
  std::string tls_principal_rules;  // empty: the default rule (the certificate's CN)
  std::string sasl_mechanisms;      // empty: no SASL
  std::string authorizer = "off";
  std::string super_users;
  std::string replica_of;  // empty: lead
  int64_t replica_lag_max_ms = 10'000;
  std::string replica_user;
  std::string replica_password_file;
  std::string replica_password;  // read from --replica-password-file by resolve()
  bool print_config = false;     // --print-config: print the effective configuration and exit
  bool man_page = false;         // --man-page (hidden): print the man page and exit
};

// The command line with every flag bound to `flags` and `config`, which must outlive it.
class DaemonCommandLine {
 public:
  DaemonCommandLine(DaemonFlags& flags, broker::BrokerConfig& config);

  // Parses `args` (without the program name) and the --config file. Throws CLI::ParseError:
  // CLI::Success for --help and --version, others for a mistake (what() names it; a config file
  // mistake starts with "--config FILE: ").
  void parse(std::vector<std::string> args);
  // After parse(): checks the values and fills the BrokerConfig; kInvalidArgument naming the
  // flag when one is out of range.
  Status resolve();
  // After resolve(): the effective configuration as a config file, each value followed by its
  // source: "# default", "# flag" or "# file PATH".
  std::string effective_config() const;
  // The config keys, in --help order.
  std::vector<std::string> keys() const;

  CLI::App& app() { return *app_; }

 private:
  Status resolve_security();

  DaemonFlags& flags_;
  broker::BrokerConfig& config_;
  std::unique_ptr<CLI::App> app_;
  CLI::Option* config_file_ = nullptr;
  CLI::Option* max_batch_bytes_ = nullptr;
  std::set<std::string> from_command_line_;  // keys given as flags
};

}  // namespace cairn::tools
