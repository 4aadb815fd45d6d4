#include "tools/cairn/common.h"

#include <fmt/format.h>

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
