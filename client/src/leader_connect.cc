// Connection::connect with find_leader: the leader search (leader_search.h) over real
// connections, each broker asked with Metadata version 2 and no topics.
#include "client/src/connection.h"
#include "client/src/leader_search.h"

namespace cairn::client {

namespace {

Result<LeaderProbe<Connection>> ask_leader(std::unique_ptr<Connection> conn) {
  LeaderProbe<Connection> out;
  // A broker without Metadata v2 knows nothing of replication: it leads.
  if (conn->version_for(protocol::ApiKey::kMetadata, 2) < 2) {
    out.conn = std::move(conn);
    return out;
  }
  protocol::MetadataRequest request{std::vector<std::string>{}};
  auto r = conn->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      protocol::ApiKey::kMetadata, request, {.version = 2});
  if (!r) return r.error().with_context("asking " + conn->options().broker + " for the leader");
  out.leads = r->body.is_leader;
  out.leader = r->body.leader_address;
  out.conn = std::move(conn);
  return out;
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::connect_to_leader(
    const ConnectionOptions& options, std::vector<std::string> addresses) {
  size_t count = addresses.size();
  BrokerList brokers(std::move(addresses));
  ProbeFn<Connection> probe =
      [&options](const std::string& address) -> Result<LeaderProbe<Connection>> {
    ConnectionOptions one = options;
    one.broker = address;
    auto conn = connect_one(one);
    if (!conn) return conn.error();
    return ask_leader(std::move(*conn));
  };
  return find_leader<Connection>(brokers, count, probe);
}

}  // namespace cairn::client
