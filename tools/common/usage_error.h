#pragma once

// One line for a command line CLI11 could not parse, naming the mistake and, when a known name
// is close, what was probably meant: "unknown command 'lsit' for 'cairn topics' (did you mean
// 'list'?)", "unknown flag --cout for 'cairn consume' (did you mean --count?)".

#include <CLI/CLI.hpp>

#include <string>

namespace cairn::tools {

// The deepest subcommand the parse reached (`root` if none).
const CLI::App& deepest_command(const CLI::App& root);

// "cairn topics create".
std::string command_path(const CLI::App& command);

// The message for `error`, thrown by root.parse(); call it right after the throw, while the
// app still holds what was parsed. The caller prefixes the program name.
std::string usage_error_message(const CLI::App& root, const CLI::ParseError& error);

// True when the parse stopped because a command that only groups others ("cairn", "cairn
// topics") was given none: the caller shows that command's help instead of an error.
bool missing_subcommand_only(const CLI::App& root);

}  // namespace cairn::tools
