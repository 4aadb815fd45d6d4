// cairn: the command-line tool. Each subcommand group lives in its own file; this one wires them
// up and turns errors into one line on stderr and an exit code (exit_codes.h).
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <cstdlib>

#include "tools/cairn/common.h"
#include "tools/cairn/help_command.h"
#include "tools/cairn/log_command.h"
#include "tools/cairn/mirror_command.h"
#include "tools/cairn/security_commands.h"
#include "tools/cairn/top_command.h"
#include "tools/common/usage_error.h"
#include "tools/common/version.h"

namespace cairn::tools {
namespace {

int run(int argc, char** argv) {
  spdlog::set_level(spdlog::level::warn);
  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

  CLI::App app(
      "cairn: topics, produce, consume, consumer groups, mirroring, log inspection, perf runs and "
      "a live view (top) for the Cairn broker",
      "cairn");
  app.require_subcommand(1);
  // Global flags may follow the subcommand: `cairn topics list -b HOST:PORT`. Subcommands
  // inherit this setting, so it must come before any is added.
  app.fallthrough();
  app.set_version_flag("-V,--version", version_line("cairn"));
  GlobalOptions global;
  if (const char* env = std::getenv("CAIRN_BROKER")) global.broker = env;
  global.tls = tls_from_environment();
  app.add_option("-b,--broker", global.broker,
                 "Broker address HOST:PORT, or several comma-separated (or $CAIRN_BROKER)")
      ->capture_default_str();
  app.add_option("--request-timeout-ms", global.timeout_ms, "Give up on a request after this long")
      ->capture_default_str();
  int exit_code = kExitOk;
  add_topics_command(app, global);
  add_admin_command(app, global);
  add_produce_command(app, global);
  add_consume_command(app, global);
  add_groups_command(app, global);
  add_perf_command(app, global);
  add_log_command(app, exit_code);
  add_mirror_command(app, exit_code);
  add_users_command(app, global);
  add_acl_command(app, global);
  add_top_command(app);
  add_help_commands(app);
  // Singular and plural nouns alike, as rpk spells them.
  for (const char* noun : {"topics", "groups", "users"}) {
    std::string singular(noun);
    singular.pop_back();
    app.get_subcommand(noun)->alias(singular);
  }
  app.get_subcommand("acl")->alias("acls");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success))
      return app.exit(e);                // --help, --version
    if (missing_subcommand_only(app)) {  // `cairn`, `cairn topics`: show what can follow
      fmt::print("{}", deepest_command(app).help());
      return kExitOk;
    }
    fmt::print(stderr, "cairn: {}\n", usage_error_message(app, e));
    return kExitUsage;
  } catch (const CliError& e) {
    std::fflush(stdout);
    fmt::print(stderr, "cairn: {}\n", e.what());
    return e.code;
  }
  std::fflush(stdout);
  return exit_code;
}

}  // namespace
}  // namespace cairn::tools

int main(int argc, char** argv) {
  try {
    return cairn::tools::run(argc, argv);
  } catch (const std::exception& e) {  // a failure outside any command (the command tree, I/O)
    std::fflush(stdout);
    std::fputs("cairn: ", stderr);
    std::fputs(e.what(), stderr);
    std::fputs("\n", stderr);
  } catch (...) {
    std::fputs("cairn: an unexpected error\n", stderr);
  }
  return cairn::tools::kExitError;
}
