#include "tests/support/broker_process.h"

#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <stdexcept>
#include <thread>

namespace cairn::testing {

std::string cairnd_path() {
  // CAIRN_TEST_CAIRND runs the tests against another build (for example the one before a fix).
  const char* other = std::getenv("CAIRN_TEST_CAIRND");
  return other != nullptr && *other != '\0' ? other : CAIRN_CAIRND_PATH;
}
std::string cairn_path() { return CAIRN_CLI_PATH; }

std::vector<std::string> measurable_memory_env() {
  const char* asan = std::getenv("ASAN_OPTIONS");
  std::string value = asan ? std::string(asan) + ":" : "";
  return {"ASAN_OPTIONS=" + value + "quarantine_size_mb=1:thread_local_quarantine_size_kb=64"};
}

BrokerProcess::BrokerProcess(std::filesystem::path data_dir, std::vector<std::string> extra_args,
                             std::vector<std::string> env, Placement placement)
    : data_dir_(std::move(data_dir)),
      extra_args_(std::move(extra_args)),
      env_(std::move(env)),
      placement_(std::move(placement)),
      listen_(placement_.host + ":0") {
  log_path_ = data_dir_.string() + ".cairnd.log";
  launch();
}

BrokerProcess::~BrokerProcess() {
  if (child_ && child_->running()) child_->signal(SIGKILL);
}

void BrokerProcess::launch() {
  std::filesystem::create_directories(data_dir_);
  std::vector<std::string> argv = placement_.exec_prefix;
  argv.insert(argv.end(), {cairnd_path(), "--listen", listen_, "--data-dir", data_dir_.string()});
  const std::string any_port = placement_.host + ":0";
  // The Kafka listener on any free port unless the test says otherwise ("": off).
  if (std::find(extra_args_.begin(), extra_args_.end(), "--kafka-listen") == extra_args_.end()) {
    argv.insert(argv.end(), {"--kafka-listen", any_port});
  }
  // info unless the test asks for another level.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--log-level") == extra_args_.end()) {
    argv.insert(argv.end(), {"--log-level", "info"});
  }
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  // Many brokers run at once in tests: the HTTP listener takes any free port unless told.
  if (std::find(extra_args_.begin(), extra_args_.end(), "--http-listen") == extra_args_.end()) {
    argv.insert(argv.end(), {"--http-listen", any_port});
  }
  size_t log_start = std::filesystem::exists(log_path_) ? std::filesystem::file_size(log_path_) : 0;
  child_ = std::make_unique<Child>(argv, log_path_, env_);
  const std::string host = std::regex_replace(placement_.host, std::regex(R"(\.)"), R"(\.)");
  const std::regex serving("serving on " + host + R"(:(\d+))");
  const std::regex http(R"(http listener \(metrics, health, API, console\) on http://)" + host +
                        R"(:(\d+)/)");
  const std::regex kafka("kafka listener on " + host + R"(:(\d+))");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(log_path_).substr(log_start);
    std::smatch m;
    if (std::regex_search(text, m, serving)) {
      port_ = static_cast<uint16_t>(std::stoi(m[1]));
      std::smatch h;
      http_port_ = std::regex_search(text, h, http) ? static_cast<uint16_t>(std::stoi(h[1])) : 0;
      address_ = placement_.host + ":" + std::to_string(port_);
      kafka_port_ = std::regex_search(text, m, kafka) ? static_cast<uint16_t>(std::stoi(m[1])) : 0;
      return;
    }
    if (!child_->running()) throw std::runtime_error("cairnd exited at start:\n" + text);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("cairnd did not start serving within 60 s");
}

std::optional<int> BrokerProcess::stop() {
  child_->signal(SIGTERM);
  return child_->wait(std::chrono::seconds(60));
}

void BrokerProcess::kill9() {
  child_->signal(SIGKILL);
  child_->wait(std::chrono::seconds(30));
}

void BrokerProcess::restart() {
  if (child_->running()) kill9();
  listen_ = placement_.host + ":0";
  launch();
}

void BrokerProcess::restart_on_same_port() {
  if (child_->running()) kill9();
  listen_ = address_;
  launch();
}

RunResult cli(const std::string& broker, std::vector<std::string> args,
              const std::optional<std::filesystem::path>& stdin_file) {
  std::vector<std::string> argv = {cairn_path(), "--broker", broker};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, stdin_file);
}

}  // namespace cairn::testing
