#pragma once

// A real cairnd for integration tests: started on an ephemeral loopback port with a temp data
// directory, stopped by PID. The ports (Cairn's and Kafka's listeners, both ephemeral) are read
// from the broker's own log lines. A test that needs two hosts places one broker in a network
// namespace of its own (tests/support/network_namespace.h), listening on that host's address.

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/process.h"

namespace cairn::testing {

// Where a broker runs: the address its listeners bind (ephemeral ports) and the command prefix
// that runs it in another network namespace (empty: this one).
struct Placement {
  std::string host = "127.0.0.1";
  std::vector<std::string> exec_prefix;
};

class BrokerProcess {
 public:
  // Starts cairnd on `data_dir` (created if needed) and waits until it serves. `env` adds
  // environment variables ("KEY=VALUE").
  BrokerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                std::vector<std::string> env = {}, Placement placement = {});
  ~BrokerProcess();

  const std::string& address() const { return address_; }
  uint16_t port() const { return port_; }
  // The HTTP listener's port (any free one unless extra_args say --http-listen); 0 when off.
  uint16_t http_port() const { return http_port_; }
  // The Kafka listener's address and port (changes on every restart).
  std::string kafka_address() const { return placement_.host + ":" + std::to_string(kafka_port_); }
  uint16_t kafka_port() const { return kafka_port_; }
  Child& child() { return *child_; }
  std::string log() const { return read_file(log_path_); }
  // How many times `text` appears in the log.
  size_t log_count(std::string_view text) const {
    std::string all = log();
    size_t n = 0;
    for (size_t at = all.find(text); at != std::string::npos; at = all.find(text, at + 1)) ++n;
    return n;
  }

  // SIGTERM and wait: the exit code, or nullopt if it did not stop in time.
  std::optional<int> stop();
  void kill9();
  // Starts it again on the same data directory (and a new port).
  void restart();
  // Starts it again on the same data directory and the same port, for a client that was given
  // the address once (a port freed by the kill is free again at once on loopback).
  void restart_on_same_port();

 private:
  void launch();

  std::filesystem::path data_dir_;
  std::vector<std::string> extra_args_;
  std::vector<std::string> env_;
  Placement placement_;
  std::filesystem::path log_path_;
  std::unique_ptr<Child> child_;
  std::string listen_;
  std::string address_;
  uint16_t port_ = 0;
  uint16_t http_port_ = 0;
  uint16_t kafka_port_ = 0;
};

// For memory measurements under AddressSanitizer: a small quarantine, so that freed memory is
// returned instead of held for use-after-free detection. Empty without ASan.
std::vector<std::string> measurable_memory_env();

// Paths of the programs under test, set by CMake (cairnd: CAIRN_TEST_CAIRND overrides it).
std::string cairnd_path();
std::string cairn_path();

// Runs the cairn CLI against `broker`.
RunResult cli(const std::string& broker, std::vector<std::string> args,
              const std::optional<std::filesystem::path>& stdin_file = std::nullopt);

}  // namespace cairn::testing
