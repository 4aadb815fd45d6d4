#pragma once

// Child processes for integration tests: spawn a program with its output captured, feed it
// standard input, signal it by PID, wait for it with a deadline.

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace cairn::testing {

struct RunResult {
  int exit_code = -1;  // -signal when killed by a signal
  std::string out;
  std::string err;
};

// Runs `argv` to completion with `stdin_file` (or nothing) as standard input. Kills it with
// SIGKILL after `limit` (exit_code is then -9).
RunResult run_program(const std::vector<std::string>& argv,
                      const std::optional<std::filesystem::path>& stdin_file = std::nullopt,
                      std::chrono::milliseconds limit = std::chrono::seconds(120));

// A child left running in the background; its stderr goes to a file.
class Child {
 public:
  // `env` adds or replaces environment variables ("KEY=VALUE") for the child. Its stdout goes
  // to `stdout_file` if given, else nowhere.
  Child(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file,
        const std::vector<std::string>& env = {},
        const std::optional<std::filesystem::path>& stdout_file = std::nullopt);
  ~Child();  // SIGKILLs the child if it is still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  void signal(int sig);
  // Waits for the child to exit; its exit code, or -signal. nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds limit);
  // Resident memory in KiB, from /proc.
  long rss_kb() const;

 private:
  pid_t pid_ = -1;
  std::optional<int> status_;
};

std::string read_file(const std::filesystem::path& path);
void write_file(const std::filesystem::path& path, const std::string& bytes);

}  // namespace cairn::testing
