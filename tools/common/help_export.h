#pragma once

// A man page and shell completion scripts generated from a CLI11 command tree, so that they say
// exactly what `--help` says: the same commands, flags, descriptions and defaults.

#include <CLI/CLI.hpp>

#include <map>
#include <string>
#include <vector>

namespace cairn::tools {

struct ManPageInfo {
  std::string name;     // "cairn"
  std::string section;  // "1", "8"
  std::string version;  // shown in the footer
  // Further sections after OPTIONS and COMMANDS, in order: a heading ("EXIT STATUS") and its
  // paragraphs (plain text; a line starting with two spaces is shown as an example block).
  std::vector<std::pair<std::string, std::vector<std::string>>> sections;
};

// The roff source of a man page: NAME and DESCRIPTION from the app's description, SYNOPSIS,
// OPTIONS (the top level's flags), COMMANDS (every visible subcommand with its arguments and
// flags), then `info.sections`.
std::string man_page(const CLI::App& app, const ManPageInfo& info);

struct CompletionHints {
  // Words offered after a flag that takes a value ("--offset" -> "beginning end").
  std::map<std::string, std::string> flag_values;
  // A shell command whose output lines complete a positional of this name ("topic" ->
  // "cairn topics list"); "FILE" completes file names.
  std::map<std::string, std::string> positional_values;
};

// A bash completion script (source it, or install it as bash-completion/completions/NAME).
std::string bash_completion(const CLI::App& app, const CompletionHints& hints);
// A zsh completion script (install it as _NAME in a directory of $fpath).
std::string zsh_completion(const CLI::App& app, const CompletionHints& hints);

}  // namespace cairn::tools
