// cairn: the command-line tool. Each subcommand lives in its own file; this one wires them up.
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include "tools/cairn/exit_codes.h"
#include "tools/cairn/log_command.h"

int main(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  CLI::App app("cairn: topics, produce, consume, groups, log inspection and perf runs", "cairn");
  app.require_subcommand(1);
  app.set_version_flag("--version", "cairn 0.1.0");
  int exit_code = cairn::tools::kExitOk;
  cairn::tools::add_log_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : cairn::tools::kExitUsage;
  }
  return exit_code;
}
