#pragma once

#include <CLI/CLI.hpp>

namespace cairn::tools {

struct GlobalOptions;

// `cairn users add NAME --password-file F`, `users remove NAME`, `users list`: SCRAM
// credentials, through the running broker (its management APIs), or with --data-dir DIR edited
// in a stopped broker's data directory.
void add_users_command(CLI::App& app, const GlobalOptions& global);
// `cairn acl add|remove --principal P --operation OPS (--topic T | --group G | --cluster |
// --transactional-id X) [--prefix] [--deny]`, `acl list`: through the running broker, or with
// --data-dir DIR in a stopped broker's data directory.
void add_acl_command(CLI::App& app, const GlobalOptions& global);

}  // namespace cairn::tools
