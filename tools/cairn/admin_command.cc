// cairn admin: operations on the broker itself. `promote` makes a follower (cairnd
// --replica-of) the leader, with a new leader epoch on every partition.
#include <fmt/format.h>

#include "protocol/messages/replication.h"
#include "tools/cairn/common.h"

namespace cairn::tools {

void add_admin_command(CLI::App& app, const GlobalOptions& global) {
  auto* admin = app.add_subcommand("admin", "Operations on the broker itself");
  admin->require_subcommand(1);
  auto* promote = admin->add_subcommand(
      "promote", "Make a follower (cairnd --replica-of) the leader, with a new leader epoch");
  promote->callback([&global] {
    auto conn = connect(global);
    auto reply = check(conn->call<protocol::PromoteRequest, protocol::PromoteResponse>(
                           protocol::ApiKey::kPromote, protocol::PromoteRequest{}),
                       "promote");
    if (reply->error != protocol::ErrorCode::kNone) {
      throw CliError(kExitError, "promote: " + std::string(protocol::error_name(reply->error)) +
                                     ": " + reply->message);
    }
    fmt::print("promoted: {} partitions lead now, leader epoch up to {}\n", reply->partitions,
               reply->leader_epoch);
    if (!reply->message.empty()) fmt::print("warning: {}\n", reply->message);
  });
}

}  // namespace cairn::tools
