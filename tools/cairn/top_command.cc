// `cairn top`: scrapes cairnd's /metrics every interval and redraws one screen in a plain
// terminal (ANSI, no curses): the alternate screen while it runs, the terminal as it was when
// it ends on q, Ctrl-C or a TERM. `--once` prints a single frame, computed over one interval,
// without escape sequences, for scripts and tests.
#include "tools/cairn/top_command.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <thread>

#include "tools/cairn/common.h"
#include "tools/cairn/exposition.h"
#include "tools/cairn/http_fetch.h"
#include "tools/cairn/signals.h"
#include "tools/cairn/text.h"
#include "tools/cairn/top_model.h"

namespace cairn::tools {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxScrapeBytes = 64 << 20;

struct TopOptions {
  std::string http = "127.0.0.1:9644";
  double interval_seconds = 1.0;
  bool once = false;
};

// Keys without Enter and no echo on standard input, the alternate screen and a hidden cursor on
// standard output, for as long as it lives; each only where that stream is a terminal.
class TerminalSession {
 public:
  TerminalSession() {
    if (::isatty(STDIN_FILENO) && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios raw = saved_;
      raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);  // ISIG stays: Ctrl-C is SIGINT
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      keys_ = ::tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0;
    }
    screen_ = ::isatty(STDOUT_FILENO);
    if (screen_) write("\x1b[?1049h\x1b[?25l");
  }
  ~TerminalSession() {
    if (screen_) write("\x1b[?25h\x1b[?1049l");
    if (keys_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
  }
  TerminalSession(const TerminalSession&) = delete;
  TerminalSession& operator=(const TerminalSession&) = delete;

  bool keys() const { return keys_; }
  bool screen() const { return screen_; }

  size_t width() const {
    winsize size{};
    if (screen_ && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 40) return size.ws_col;
    return 100;
  }

  void draw(const std::string& frame) const {
    write(screen_ ? "\x1b[H\x1b[J" + frame : frame + "\n");
  }

  // Waits until `until` or a quitting key; true when the user asked to quit.
  bool wait_for_quit(Clock::time_point until) const {
    while (!stop_requested()) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
      if (left.count() <= 0) return false;
      int slice = static_cast<int>(std::min<int64_t>(left.count(), 100));
      if (!keys_) {
        std::this_thread::sleep_for(std::chrono::milliseconds(slice));
        continue;
      }
      pollfd p{STDIN_FILENO, POLLIN, 0};
      if (::poll(&p, 1, slice) == 1) {
        char key = 0;
        if (::read(STDIN_FILENO, &key, 1) == 1 && (key == 'q' || key == 'Q')) return true;
      }
    }
    return true;
  }

 private:
  static void write(const std::string& text) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
  }

  termios saved_{};
  bool keys_ = false;
  bool screen_ = false;
};

double monotonic_seconds() {
  return std::chrono::duration<double>(Clock::now().time_since_epoch()).count();
}

Result<Scrape> scrape(const HttpTarget& target) {
  double seconds = monotonic_seconds();
  auto text = http_fetch(target, "/metrics", std::chrono::seconds(5), kMaxScrapeBytes);
  if (!text) return text.error();
  auto samples = parse_exposition(*text);
  if (!samples) return Status::invalid_argument("/metrics: " + samples.error().message());
  return Scrape{seconds, std::move(*samples)};
}

std::string title(const TopOptions& options) {
  auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::system_clock::now().time_since_epoch());
  return "cairn top  " + options.http + "  " + format_timestamp(now.count()) + "  every " +
         std::to_string(options.interval_seconds).substr(0, 4) + " s" +
         (options.once ? "" : "  (q quits)");
}

void run_once(const TopOptions& options, const HttpTarget& target) {
  auto first = scrape(target);
  if (!first) throw CliError(kExitUnreachable, first.error().message());
  std::this_thread::sleep_for(std::chrono::duration<double>(options.interval_seconds));
  auto second = scrape(target);
  if (!second) throw CliError(kExitUnreachable, second.error().message());
  std::string frame = render_frame(compute_frame(&*first, *second), title(options), 100);
  std::fwrite(frame.data(), 1, frame.size(), stdout);
}

void run_live(const TopOptions& options, const HttpTarget& target) {
  trap_stop_signals();
  TerminalSession terminal;
  std::optional<Scrape> previous;
  auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(options.interval_seconds));
  auto next = Clock::now();
  while (!stop_requested()) {
    auto current = scrape(target);
    std::string frame;
    if (current) {
      frame = render_frame(compute_frame(previous ? &*previous : nullptr, *current),
                           title(options), terminal.width());
      previous = std::move(*current);
    } else {
      frame = title(options) + "\n\ncannot read the metrics: " + current.error().message() +
              "\n(retrying)\n";
      previous.reset();
    }
    terminal.draw(frame);
    next += interval;
    if (next < Clock::now()) next = Clock::now() + interval;
    if (terminal.wait_for_quit(next)) break;
  }
}

}  // namespace

void add_top_command(CLI::App& app) {
  auto options = std::make_shared<TopOptions>();
  auto* top = app.add_subcommand(
      "top", "A live view of a broker: throughput, consumer lag, latency, replication (q quits)");
  top->add_option("--http", options->http, "The broker's HTTP listener HOST:PORT")
      ->capture_default_str();
  top->add_option("--interval", options->interval_seconds, "Seconds between refreshes")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  top->add_flag("--once", options->once,
                "Print one frame (measured over one interval) and exit, without escape codes");
  top->callback([options] {
    auto target = parse_http_target(options->http);
    if (!target) throw CliError(kExitUsage, target.error().message());
    if (options->once) {
      run_once(*options, *target);
    } else {
      run_live(*options, *target);
    }
  });
}

}  // namespace cairn::tools
