#pragma once

// What the cairn subcommands share: the broker connection, and errors that end the program
// with one clear line on stderr and a distinct exit code (exit_codes.h).

#include <CLI/CLI.hpp>

#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/src/connection.h"
#include "protocol/messages/admin.h"
#include "tools/cairn/exit_codes.h"

namespace cairn::tools {

// Thrown by a subcommand to end the program: main prints "cairn: <message>" and exits `code`.
struct CliError : std::runtime_error {
  CliError(int code, const std::string& message) : std::runtime_error(message), code(code) {}
  int code;
};

struct GlobalOptions {
  std::string broker = "127.0.0.1:9292";  // --broker, or $CAIRN_BROKER
  int timeout_ms = 30000;                 // --request-timeout-ms
  // TLS to the broker: on when $CAIRN_TLS_CA names the CA file the broker's certificate must
  // chain to ($CAIRN_TLS_CERT and $CAIRN_TLS_KEY: the client's own, for mutual TLS).
  client::TlsConfig tls;
};

// TLS settings from the environment ($CAIRN_TLS_CA, $CAIRN_TLS_CERT, $CAIRN_TLS_KEY). With a
// `prefix` ("FROM_"): $CAIRN_FROM_TLS_CA and its siblings when $CAIRN_FROM_TLS_CA is set, else
// the unprefixed ones (cairn mirror's two ends).
client::TlsConfig tls_from_environment(std::string_view prefix = "");

// SASL credentials from the environment, never from the command line: $CAIRN_USER with
// $CAIRN_PASSWORD or $CAIRN_PASSWORD_FILE (a file holding the password; one trailing newline is
// dropped), mechanism $CAIRN_SASL_MECHANISM (SCRAM-SHA-256 by default). No $CAIRN_USER: no
// authentication. Throws CliError(kExitUsage) for a user without a password. With a `prefix`
// ("TO_"): $CAIRN_TO_USER and its siblings when $CAIRN_TO_USER is set, else the unprefixed ones.
client::SaslConfig sasl_from_environment(std::string_view prefix = "");

// Connects, or throws CliError(kExitUnreachable).
std::unique_ptr<client::Connection> connect(const GlobalOptions& options);

// Metadata of one topic; throws CliError(kExitNotFound) if it does not exist. With
// `create_missing` (a producer's question), a broker that auto-creates topics creates it first.
protocol::TopicMetadata describe_topic(client::Connection& conn, const std::string& topic,
                                       bool create_missing = false);

// The offset of the first record at or after `ms` (since the epoch) in each of `partitions`
// of `topic`, by ListOffsets; nullopt for a partition with no record that new. Throws CliError.
std::map<int32_t, std::optional<int64_t>> offsets_at_time(client::Connection& conn,
                                                          const std::string& topic,
                                                          const std::vector<int32_t>& partitions,
                                                          int64_t ms);

// Throws CliError for a failed call: kExitUnreachable when the connection is gone.
template <typename T>
T check(Result<T> r, const std::string& what) {
  if (r) return std::move(*r);
  int code = r.error().is_unavailable() || r.error().is_timed_out() ? kExitUnreachable : kExitError;
  throw CliError(code, what + ": " + r.error().message());
}

void add_topics_command(CLI::App& app, const GlobalOptions& global);
void add_produce_command(CLI::App& app, const GlobalOptions& global);
void add_consume_command(CLI::App& app, const GlobalOptions& global);
void add_groups_command(CLI::App& app, const GlobalOptions& global);
void add_perf_command(CLI::App& app, const GlobalOptions& global);
void add_admin_command(CLI::App& app, const GlobalOptions& global);

}  // namespace cairn::tools
