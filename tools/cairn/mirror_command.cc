// cairn mirror --from HOST:PORT --to HOST:PORT --topics REGEX [--group NAME]: copies the records
// of the selected topics from one broker to another, partition for partition, committing the
// source offsets to a consumer group only once the destination has acknowledged the records
// before them (at-least-once). It runs until stopped; either broker may come and go meanwhile.
// TLS and SASL for each end come from the environment as for every command, and may differ per
// end: $CAIRN_FROM_TLS_CA, $CAIRN_FROM_USER, ... for the source, $CAIRN_TO_... for the
// destination.

#include "tools/cairn/mirror_command.h"

#include <memory>
#include <string>

#include "tools/cairn/common.h"
#include "tools/cairn/mirror.h"
#include "tools/cairn/signals.h"

namespace cairn::tools {

void add_mirror_command(CLI::App& app, int& exit_code) {
  auto opts = std::make_shared<MirrorOptions>();
  auto* cmd = app.add_subcommand(
      "mirror",
      "Copy the records of topics from one broker to another, committing source offsets after "
      "the destination acknowledged them (SIGINT or SIGTERM stop it after a final commit)");
  cmd->add_option("--from", opts->from.broker, "Source broker HOST:PORT")->required();
  cmd->add_option("--to", opts->to.broker, "Destination broker HOST:PORT")->required();
  cmd->add_option(
         "--topics", opts->topics,
         "Regex a whole topic name must match (ECMAScript; internal __ topics never match)")
      ->required();
  cmd->add_option("--group", opts->group,
                  "Consumer group at the source that holds the mirror's offsets")
      ->capture_default_str();
  cmd->add_option("--status-interval-ms", opts->status_interval_ms,
                  "How often to print the lag line")
      ->capture_default_str();
  cmd->add_option("--commit-interval-ms", opts->commit_interval_ms,
                  "How often to commit the acknowledged source offsets")
      ->capture_default_str();
  cmd->add_option("--delivery-timeout-ms", opts->delivery_timeout_ms,
                  "How long the destination may take to acknowledge a record before it is read "
                  "and sent again")
      ->capture_default_str();
  cmd->add_option("--refresh-interval-ms", opts->refresh_interval_ms,
                  "How often to look for new matching source topics")
      ->capture_default_str();
  cmd->callback([opts, &exit_code] {
    std::string error;
    auto selector = TopicSelector::parse(opts->topics, &error);
    if (!selector) throw CliError(kExitUsage, error);
    if (opts->status_interval_ms <= 0 || opts->commit_interval_ms <= 0 ||
        opts->refresh_interval_ms <= 0 || opts->delivery_timeout_ms <= 0) {
      throw CliError(kExitUsage, "the --*-ms options must be above 0");
    }
    // Each end's TLS and SASL: $CAIRN_FROM_* / $CAIRN_TO_* where set, else the CLI's own.
    opts->from.tls = tls_from_environment("FROM_");
    opts->from.sasl = sasl_from_environment("FROM_");
    opts->to.tls = tls_from_environment("TO_");
    opts->to.sasl = sasl_from_environment("TO_");
    trap_stop_signals();
    Mirror mirror(*opts, std::move(*selector));
    exit_code = mirror.run();
  });
}

}  // namespace cairn::tools
