#pragma once

// `cairn mirror`: copies topics from one broker to another (README, "Mirroring").

#include <CLI/CLI.hpp>

namespace cairn::tools {

// Registers the subcommand; it sets `exit_code` when it ends: 0 after a clean stop with the
// final commit, kExitUnreachable when that commit could not be made, kExitCorrupt for a source
// batch that failed verification.
void add_mirror_command(CLI::App& app, int& exit_code);

}  // namespace cairn::tools
