#pragma once

#include <CLI/CLI.hpp>

namespace cairn::tools {

// `cairn help [COMMAND...] [--man]`, `cairn completion bash|zsh` and `cairn version`: help,
// the man page and completion scripts, all generated from the command tree `root` (call this
// after every other command is added).
void add_help_commands(CLI::App& root);

}  // namespace cairn::tools
