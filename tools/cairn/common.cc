#include "tools/cairn/common.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cairn::tools {

namespace {

// $CAIRN_<prefix><name>, or "" when unset.
std::string env(std::string_view prefix, std::string_view name) {
  std::string var = "CAIRN_" + std::string(prefix) + std::string(name);
  const char* value = std::getenv(var.c_str());
  return std::string(value == nullptr ? "" : value);
}

}  // namespace

client::TlsConfig tls_from_environment(std::string_view prefix) {
  if (!prefix.empty() && env(prefix, "TLS_CA").empty()) return tls_from_environment();
  client::TlsConfig tls;
  tls.ca_file = env(prefix, "TLS_CA");
  tls.certificate_file = env(prefix, "TLS_CERT");
  tls.private_key_file = env(prefix, "TLS_KEY");
  tls.enabled = !tls.ca_file.empty();
  return tls;
}

client::SaslConfig sasl_from_environment(std::string_view prefix) {
  if (!prefix.empty() && env(prefix, "USER").empty()) return sasl_from_environment();
  client::SaslConfig sasl;
  std::string var = "CAIRN_" + std::string(prefix);
  sasl.username = env(prefix, "USER");
  if (sasl.username.empty()) return sasl;
  std::string mechanism = env(prefix, "SASL_MECHANISM");
  sasl.mechanism = mechanism.empty() ? "SCRAM-SHA-256" : mechanism;
  if (const char* password = std::getenv((var + "PASSWORD").c_str())) {
    sasl.password = password;
    return sasl;
  }
  std::string file = env(prefix, "PASSWORD_FILE");
  if (file.empty()) {
    throw CliError(kExitUsage,
                   var + "USER is set: set " + var + "PASSWORD or " + var + "PASSWORD_FILE too");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw CliError(kExitUsage, var + "PASSWORD_FILE: cannot read " + file);
  sasl.password = text.str();
  if (sasl.password.ends_with('\n')) sasl.password.pop_back();
  if (sasl.password.ends_with('\r')) sasl.password.pop_back();
  return sasl;
}

std::unique_ptr<client::Connection> connect(const GlobalOptions& options) {
  client::ConnectionOptions o;
  o.broker = options.broker;
  o.tls = options.tls;
  o.sasl = sasl_from_environment();
  o.client_id = "cairn-cli";
  o.request_timeout = std::chrono::milliseconds(options.timeout_ms);
  auto conn = client::Connection::connect(o);
  if (!conn) {
    throw CliError(conn.error().is_invalid_argument() ? kExitUsage : kExitUnreachable,
                   conn.error().message());
  }
  return std::move(*conn);
}

protocol::TopicMetadata describe_topic(client::Connection& conn, const std::string& topic,
                                       bool create_missing) {
  protocol::MetadataRequest req{std::vector<std::string>{topic}, create_missing};
  auto reply = check(conn.call<protocol::MetadataRequest, protocol::MetadataResponse>(
                         protocol::ApiKey::kMetadata, req, conn.metadata_options()),
                     "metadata");
  if (reply->topics.size() != 1 || reply->topics[0].error != protocol::ErrorCode::kNone) {
    throw CliError(kExitNotFound,
                   "unknown topic '" + topic + "' (cairn topics create " + topic + " makes it)");
  }
  return std::move(reply->topics[0]);
}

std::map<int32_t, std::optional<int64_t>> offsets_at_time(client::Connection& conn,
                                                          const std::string& topic,
                                                          const std::vector<int32_t>& partitions,
                                                          int64_t ms) {
  protocol::ListOffsetsRequest req;
  req.topics.push_back({topic, {}});
  for (int32_t p : partitions) req.topics[0].partitions.push_back({p, ms});
  auto reply = check(conn.call<protocol::ListOffsetsRequest, protocol::ListOffsetsResponse>(
                         protocol::ApiKey::kListOffsets, req),
                     "offsets by time");
  std::map<int32_t, std::optional<int64_t>> offsets;
  for (const auto& t : reply->topics) {
    for (const auto& p : t.partitions) {
      if (p.error != protocol::ErrorCode::kNone) {
        throw CliError(
            p.error == protocol::ErrorCode::kUnknownTopicOrPartition ? kExitNotFound : kExitError,
            fmt::format("offsets by time of {}-{}: {}", topic, p.partition,
                        protocol::error_name(p.error)));
      }
      offsets[p.partition] = p.offset >= 0 ? std::optional(p.offset) : std::nullopt;
    }
  }
  return offsets;
}

}  // namespace cairn::tools
