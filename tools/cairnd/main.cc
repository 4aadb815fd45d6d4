// cairnd: the Cairn broker daemon. Flags and an optional TOML config file (--config) fill a
// BrokerConfig (config.h); SIGINT or SIGTERM stops it gracefully (a second one exits at once).
// A mistake in either (an unknown flag, key, section or value) stops it before it starts, with
// one line that names it and exit code 2. Under systemd (Type=notify) it reports when it is
// ready and when it stops.
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <string>
#include <thread>
#include <vector>

#include "broker/broker.h"
#include "broker/broker_metrics.h"
#include "broker/metrics/catalogue.h"
#include "tools/cairnd/config.h"
#include "tools/cairnd/sd_notify.h"
#include "tools/common/help_export.h"
#include "tools/common/version.h"

namespace {

// Exit codes (README, "cairnd"); 0 is a clean stop.
constexpr int kExitCannotStart = 1;  // the port, the data directory lock, storage
constexpr int kExitUsage = 2;        // a bad flag, config key or value
constexpr int kExitUncleanStop = 3;  // stopped, but some partition was not flushed and closed

int fail(const std::string& message, int code = kExitCannotStart) {
  spdlog::error("{}", message);
  return code;
}

cairn::tools::ManPageInfo man_info() {
  cairn::tools::ManPageInfo info;
  info.name = "cairnd";
  info.section = "8";
  info.version = std::string(cairn::tools::version());
  info.sections = {
      {"CONFIGURATION FILE",
       {"--config FILE reads settings from a TOML file. Every flag above except --config, "
        "--print-config, --help and --version is a key of that file, spelled as the long flag "
        "name without the dashes, at the top level. Flags on the command line win over the file. "
        "An unknown key, a [section] or a value that does not convert stops cairnd with exit "
        "code 2 and one line naming it.",
        "  listen = \"127.0.0.1:9292\"\n  data-dir = \"/var/lib/cairn\"\n  fsync = "
        "\"interval:100\"",
        "cairnd --config FILE --print-config checks a file and prints the effective "
        "configuration, with the source of each value."}},
      {"SIGNALS",
       {"SIGINT or SIGTERM: a graceful stop (stop accepting, answer what was read, flush and "
        "close every partition). A second one exits at once."}},
      {"SYSTEMD",
       {"Started by systemd as a Type=notify service, cairnd sends READY=1 to $NOTIFY_SOCKET "
        "once it serves and STOPPING=1 when a stop begins."}},
      {"EXIT STATUS",
       {"0: a clean stop.",
        "1: it could not start (the port is taken, the data directory is "
        "locked by another cairnd, storage errors).",
        "2: a bad flag, config key or value.",
        "3: stopped, but some partition could not be flushed and closed cleanly."}},
      {"FILES",
       {"/etc/cairn/cairnd.toml: the configuration the Debian package's service reads.",
        "/var/lib/cairn: the Debian package's data directory."}},
      {"SEE ALSO", {"cairn(1)"}},
  };
  return info;
}

// Every partition keeps its segment files open, and every connection is a descriptor too: the
// usual soft limit of 1024 would stop a broker with a few thousand partitions. The soft limit is
// raised to the hard one, which is what the administrator allows.
void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t before = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) {
    spdlog::warn("could not raise the open file limit from {}", before);
    return;
  }
  spdlog::debug("open file limit raised from {} to {}", before, limit.rlim_cur);
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("cairnd"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  cairn::broker::BrokerConfig config;
  cairn::tools::DaemonFlags flags;
  cairn::tools::DaemonCommandLine command_line(flags, config);
  command_line.app().set_version_flag("-V,--version", cairn::tools::version_line("cairnd"));
  try {
    command_line.parse(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
      return command_line.app().exit(e);
    return fail(e.what(), kExitUsage);
  }
  if (flags.man_page) {
    fmt::print("{}", cairn::tools::man_page(command_line.app(), man_info()));
    return 0;
  }
  if (auto s = command_line.resolve(); !s.is_ok()) return fail(s.message(), kExitUsage);
  if (flags.print_config) {
    fmt::print("{}", command_line.effective_config());
    return 0;
  }
  spdlog::set_level(spdlog::level::from_str(flags.log_level));

  // Signals are taken by sigwait below, never by the worker threads.
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  raise_open_file_limit();
  config.version = std::string(cairn::tools::version());
  cairn::broker::Broker broker(std::move(config));
  broker.set_replica_login({flags.replica_user, flags.replica_password});
  broker.services()
      .metrics()
      .registry()
      .gauge(cairn::broker::metrics::catalogue::kBuildInfo, {std::string(cairn::tools::version())})
      .set(0, 1);
  if (auto s = broker.start(); !s.is_ok()) return fail("cannot start: " + s.message());
  if (auto s = cairn::tools::sd_notify(
          fmt::format("READY=1\nSTATUS=serving on port {}\nMAINPID={}", broker.port(), ::getpid()));
      !s.is_ok()) {
    spdlog::warn("{}", s.message());
  }

  int sig = 0;
  sigwait(&stop_signals, &sig);
  spdlog::info("{} received", sig == SIGINT ? "SIGINT" : "SIGTERM");
  cairn::tools::sd_notify("STOPPING=1").ignore_error();
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
