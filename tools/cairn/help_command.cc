// cairn help|completion|version
#include "tools/cairn/help_command.h"

#include <fmt/format.h>

#include "tools/cairn/common.h"
#include "tools/common/help_export.h"
#include "tools/common/version.h"

namespace cairn::tools {

namespace {

ManPageInfo man_info() {
  ManPageInfo info;
  info.name = "cairn";
  info.section = "1";
  info.version = std::string(version());
  info.sections = {
      {"GLOBAL FLAGS",
       {"--broker (-b) and --request-timeout-ms may come anywhere on the line, before or after "
        "the command."}},
      {"ENVIRONMENT", {"CAIRN_BROKER: the broker address HOST:PORT when --broker is not given."}},
      {"EXIT STATUS",
       {"0: success, or stopped by SIGINT, SIGTERM or SIGHUP (consume, perf).",
        "1: the broker refused the request, or anything else went wrong.",
        "2: bad usage: an unknown command or flag, a bad value.",
        "3: the broker could not be reached, or did not answer in time.",
        "4: an unknown topic, partition, group or path.",
        "5: corruption found (log dump --verify, a consume that met a corrupt batch).",
        "6: a produced record was not acknowledged."}},
      {"EXAMPLES",
       {"  cairn topics create orders --partitions 4\n"
        "  printf 'k1:v1\\nk2:v2\\n' | cairn produce orders -K :\n"
        "  cairn consume orders -o end                  # tail\n"
        "  cairn consume orders -o -10 -e               # the last 10 of each partition\n"
        "  cairn consume orders -o @-1h -f json          # the last hour, as JSON lines\n"
        "  cairn groups reset-offsets billing --topic orders --to @2026-11-27T12:00:00Z\n"
        "  cairn groups describe billing --watch"}},
      {"SEE ALSO", {"cairnd(8)"}},
  };
  return info;
}

CompletionHints completion_hints() {
  CompletionHints hints;
  hints.flag_values = {
      {"--offset", "beginning end earliest latest"},
      {"-o", "beginning end earliest latest"},
      {"--format", "json"},
      {"-f", "json"},
      {"--to", "earliest latest"},
      {"--acks", "0 1 all"},
      {"--fsync", "always never interval:"},
  };
  hints.positional_values = {
      {"topic", "cairn topics list"},
      {"name", "cairn topics list"},
      {"group", "cairn groups list"},
      {"path", "FILE"},
      {"shell", "echo bash; echo zsh"},
  };
  return hints;
}

// The command `words` name under `root`, following names and aliases.
const CLI::App& find_command(const CLI::App& root, const std::vector<std::string>& words) {
  const CLI::App* app = &root;
  for (const auto& word : words) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
      if (sub->check_name(word)) next = sub;
    }
    if (!next) throw CliError(kExitUsage, fmt::format("help: no command '{}' under '{}'", word, app->get_name()));
    app = next;
  }
  return *app;
}

}  // namespace

void add_help_commands(CLI::App& root) {
  auto words = std::make_shared<std::vector<std::string>>();
  auto man = std::make_shared<bool>(false);
  auto* help = root.add_subcommand("help", "Show the help of a command (or, with --man, the man page)");
  help->add_option("command", *words, "The command, e.g. 'topics create'");
  help->add_flag("--man", *man, "Print cairn's man page (roff) instead");
  help->callback([&root, words, man] {
    if (*man) {
      fmt::print("{}", man_page(root, man_info()));
      return;
    }
    const CLI::App& command = find_command(root, *words);
    fmt::print("{}", command.help());
  });

  auto shell = std::make_shared<std::string>();
  auto* completion = root.add_subcommand(
      "completion", "Print a shell completion script: bash (source <(cairn completion bash)) or zsh");
  completion->add_option("shell", *shell, "bash or zsh")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh"}));
  completion->callback([&root, shell] {
    fmt::print("{}", *shell == "bash" ? bash_completion(root, completion_hints())
                                      : zsh_completion(root, completion_hints()));
  });

  root.add_subcommand("version", "Print the version and the git commit it was built from")
      ->callback([] { fmt::print("{}\n", version_line("cairn")); });
}

}  // namespace cairn::tools
