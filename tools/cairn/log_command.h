#pragma once

#include <CLI/CLI.hpp>

namespace cairn::tools {

// `cairn log dump PATH [--verify] [--records]`.
void add_log_command(CLI::App& app, int& exit_code);

}  // namespace cairn::tools
