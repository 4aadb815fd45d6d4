#pragma once

// The follower's shared state and its request to the leader (follower.h), used by the follow
// loop (follower.cc) and by the replica fetch and divergence check (replica_fetch.cc).

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include "broker/ops/operations.h"
#include "broker/replication/follower.h"
#include "broker/partition_router.h"
#include "broker/producer_ids.h"
#include "broker/replication/internal_topics.h"
#include "broker/services.h"
#include "protocol/apis.h"
#include "protocol/byte_io.h"
#include "protocol/frame.h"
#include "protocol/messages/replication.h"
#include "protocol/messages/sasl.h"
#include "protocol/record_batch.h"
#include "protocol/sasl/scram_client.h"
#include "protocol/sasl/scram_mechanism.h"

namespace cairn::broker::replica {

using asio::ip::tcp;
using protocol::ErrorCode;

constexpr auto kReconnectDelay = std::chrono::milliseconds(200);
// How often the leader's topics are compared with ours while fetching.
constexpr auto kTopicsInterval = std::chrono::milliseconds(1000);
constexpr uint32_t kFetchWaitMs = 100;
constexpr uint32_t kPartitionFetchBytes = 1u << 20;
constexpr uint32_t kFetchBytes = 16u << 20;
// The largest response frame taken from the leader: a fetch answer's records and its headers.
constexpr uint32_t kMaxResponseBytes = kFetchBytes + (16u << 20);
constexpr std::string_view kClientId = "cairnd-follower";

using Buffer = std::shared_ptr<std::vector<std::byte>>;

}  // namespace cairn::broker::replica

namespace cairn::broker {

struct Follower::State {
  State(BrokerServices& s, Operations& o, ReplicaLogin l)
      : services(s),
        ops(o),
        login(std::move(l)),
        socket(s.shard(0).context()),
        timer(s.shard(0).context()) {}
  BrokerServices& services;
  Operations& ops;
  ReplicaLogin login;
  replica::tcp::socket socket;
  asio::steady_timer timer;
  bool stopped = false;
  uint32_t correlation = 0;
  // The leader's partitions, as last learned, by topic.
  std::vector<std::pair<std::string, int32_t>> partitions;
  bool topics_changed = false;  // the leader named a partition we do not have
  // The broker's own topics the leader does not have (as ours), not asked for again on this
  // connection.
  std::set<std::string> absent_internal;
  // The largest producer id in the batches copied (-1: none), set on the partitions' shards.
  std::atomic<int64_t> max_producer_id{-1};
};

namespace replica {

// Sends one request and reads its response into `buffer`; the decoded body views it.
template <typename Response, typename Request>
awaitable<Result<Response>> call(Follower::State& s, protocol::ApiKey key, uint16_t version,
                                 const Request& body, std::vector<std::byte>& buffer) {
  protocol::RequestHeader header{static_cast<uint16_t>(key), version, ++s.correlation,
                                 std::string(kClientId)};
  std::vector<std::byte> frame;
  protocol::encode_request(frame, header, body);
  co_await asio::async_write(s.socket, asio::buffer(frame), use_awaitable);
  std::array<std::byte, protocol::frame::kLengthSize> length{};
  co_await asio::async_read(s.socket, asio::buffer(length), use_awaitable);
  uint32_t n = protocol::load_le<uint32_t>(length.data());
  if (n < protocol::frame::kMinResponseSize || n > kMaxResponseBytes) {
    co_return Status::corruption("the leader sent a response frame of " + std::to_string(n) +
                                 " bytes");
  }
  buffer.resize(n);
  co_await asio::async_read(s.socket, asio::buffer(buffer), use_awaitable);
  auto response = protocol::decode_response(buffer);
  if (!response) co_return response.error();
  if (response->correlation_id != header.correlation_id) {
    co_return Status::corruption("the leader answered another request");
  }
  if (response->error != ErrorCode::kNone) {
    co_return Status::unavailable(
        "the leader refused " + std::string(protocol::api_name(static_cast<uint16_t>(key))) + ": " +
        std::string(protocol::error_name(response->error)) + " " + response->message);
  }
  co_return Response::decode(response->body, version);
}

// One replica fetch of every partition from our log ends, appended (replica_fetch.cc).
awaitable<Status> fetch_once(Follower::State& s);
// Cuts our logs back where they diverge from the leader's (replica_fetch.cc).
awaitable<Status> truncate_divergence(Follower::State& s);

}  // namespace replica
}  // namespace cairn::broker
