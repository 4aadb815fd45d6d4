#pragma once

#include <CLI/CLI.hpp>

namespace cairn::tools {

// `cairn top [--http HOST:PORT] [--interval SECONDS] [--once]`: a live view of a broker's
// throughput, consumer lag, request latency and replication, read from its /metrics.
void add_top_command(CLI::App& app);

}  // namespace cairn::tools
