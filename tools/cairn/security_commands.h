#pragma once

#include <CLI/CLI.hpp>

namespace cairn::tools {

// `cairn users add NAME --password-file F --data-dir DIR`, `users remove NAME --data-dir DIR`,
// `users list --data-dir DIR`: SCRAM credentials, edited with the broker stopped.
void add_users_command(CLI::App& app);
// `cairn acl add|remove --principal P --operation OPS (--topic T | --group G | --cluster |
// --transactional-id X) [--prefix] [--deny] --data-dir DIR`, `acl list --data-dir DIR`.
void add_acl_command(CLI::App& app);

}  // namespace cairn::tools
