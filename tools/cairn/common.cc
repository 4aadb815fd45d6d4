#include "tools/cairn/common.h"

namespace cairn::tools {

std::unique_ptr<client::Connection> connect(const GlobalOptions& options) {
  client::ConnectionOptions o;
  o.broker = options.broker;
  o.client_id = "cairn-cli";
  o.request_timeout = std::chrono::milliseconds(options.timeout_ms);
  auto conn = client::Connection::connect(o);
  if (!conn) {
    throw CliError(conn.error().is_invalid_argument() ? kExitUsage : kExitUnreachable,
                   conn.error().message());
  }
  return std::move(*conn);
}

protocol::TopicMetadata describe_topic(client::Connection& conn, const std::string& topic) {
  protocol::MetadataRequest req{std::vector<std::string>{topic}};
  auto reply = check(conn.call<protocol::MetadataRequest, protocol::MetadataResponse>(
                         protocol::ApiKey::kMetadata, req),
                     "metadata");
  if (reply->topics.size() != 1 || reply->topics[0].error != protocol::ErrorCode::kNone) {
    throw CliError(kExitNotFound, "unknown topic '" + topic + "'");
  }
  return std::move(reply->topics[0]);
}

}  // namespace cairn::tools
