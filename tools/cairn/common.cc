#include "tools/cairn/common.h"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace cairn::tools {

client::TlsConfig tls_from_environment() {
  client::TlsConfig tls;
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value == nullptr ? "" : value);
  };
  tls.ca_file = env("CAIRN_TLS_CA");
  tls.certificate_file = env("CAIRN_TLS_CERT");
  tls.private_key_file = env("CAIRN_TLS_KEY");
  tls.enabled = !tls.ca_file.empty();
  return tls;
}

client::SaslConfig sasl_from_environment() {
  client::SaslConfig sasl;
  const char* user = std::getenv("CAIRN_USER");
  if (user == nullptr || *user == '\0') return sasl;
  sasl.username = user;
  const char* mechanism = std::getenv("CAIRN_SASL_MECHANISM");
  sasl.mechanism = mechanism != nullptr && *mechanism != '\0' ? mechanism : "SCRAM-SHA-256";
  if (const char* password = std::getenv("CAIRN_PASSWORD")) {
    sasl.password = password;
    return sasl;
  }
  const char* file = std::getenv("CAIRN_PASSWORD_FILE");
  if (file == nullptr) {
    throw CliError(kExitUsage, "CAIRN_USER is set: set CAIRN_PASSWORD or CAIRN_PASSWORD_FILE too");
  }
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) throw CliError(kExitUsage, std::string("CAIRN_PASSWORD_FILE: cannot read ") + file);
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
