// Follower (follower.h): the follow loop, its requests to the leader, and the replica appends on
// the partitions' shards.
#include "broker/replication/follower.h"

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

namespace cairn::broker {

using asio::ip::tcp;
using protocol::ErrorCode;

namespace {

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

// One partition's fetched batches, to append on its shard.
struct ReplicaWork {
  std::string_view topic;
  int32_t partition = 0;
  Offset fetch_offset;
  std::span<std::byte> records;  // within the response buffer
  Offset leader_high_watermark;
};

}  // namespace

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
  tcp::socket socket;
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

namespace {

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

// The leader's settings of `name` over this broker's defaults.
awaitable<storage::TopicConfig> leader_settings(Follower::State& s, const std::string& name,
                                                int32_t partitions) {
  storage::TopicConfig config = s.services.config().topic_defaults;
  config.partitions = partitions;
  std::vector<std::byte> buffer;
  protocol::TopicConfigRequest request{name, {}};
  auto answer = co_await call<protocol::TopicConfigResponse>(s, protocol::ApiKey::kTopicConfig, 0,
                                                             request, buffer);
  if (!answer || answer->error != ErrorCode::kNone) {
    spdlog::warn("replica: the settings of topic {} could not be read; using the defaults", name);
    co_return config;
  }
  for (const auto& entry : answer->settings) {
    if (Status set = config.set(entry.key, entry.value); !set.is_ok()) {
      spdlog::warn("replica: topic {}: setting {}: {}", name, entry.key, set.to_string());
    }
  }
  co_return config;
}

// Compares the leader's topics with ours: creates the missing ones, deletes the ones it no
// longer has, and records its partitions.
awaitable<Status> sync_topics(Follower::State& s) {
  std::vector<std::byte> buffer;
  protocol::MetadataRequest request;
  auto metadata =
      co_await call<protocol::MetadataResponse>(s, protocol::ApiKey::kMetadata, 1, request, buffer);
  if (!metadata) co_return metadata.error();
  std::set<std::string> leader_topics;
  std::vector<std::pair<std::string, int32_t>> partitions;
  for (const auto& topic : metadata->topics) {
    if (topic.error != ErrorCode::kNone || is_internal_topic(topic.name)) continue;
    leader_topics.insert(topic.name);
    if (!s.services.topics().find(topic.name)) {
      auto count = static_cast<int32_t>(topic.partitions.size());
      storage::TopicConfig config = co_await leader_settings(s, topic.name, count);
      TopicOutcome created = co_await s.ops.create_topic(topic.name, config);
      if (created.error != ErrorCode::kNone && created.error != ErrorCode::kTopicAlreadyExists) {
        spdlog::error("replica: creating topic {}: {} {}", topic.name,
                      protocol::error_name(created.error), created.message);
        continue;
      }
      spdlog::info("replica: created topic {} ({} partitions)", topic.name, count);
    }
    for (const auto& p : topic.partitions) partitions.emplace_back(topic.name, p.partition);
  }
  for (const auto& [name, config] : s.services.topics().snapshot()) {
    if (is_internal_topic(name) || leader_topics.count(name)) continue;
    TopicOutcome deleted = co_await s.ops.delete_topic(name);
    if (deleted.error != ErrorCode::kNone) {
      spdlog::error("replica: deleting topic {}: {} {}", name, protocol::error_name(deleted.error),
                    deleted.message);
    } else {
      spdlog::info("replica: deleted topic {}, gone from the leader", name);
    }
  }
  for (auto& [name, p] : internal_partitions(s.services)) {
    if (!s.absent_internal.count(name)) partitions.emplace_back(std::move(name), p);
  }
  s.partitions = std::move(partitions);
  s.topics_changed = false;
  co_return Status::ok();
}

// The appends of one shard's partitions, counted down as their callbacks arrive on that shard.
struct ShardReplicaAppends {
  ShardReplicaAppends(const asio::any_io_executor& ex, size_t n, Buffer owner)
      : results(n), notifier(ex), buffer(std::move(owner)) {}
  std::vector<Status> results;
  size_t outstanding = 0;
  Notifier notifier;
  Buffer buffer;  // the fetched batches, until the last append
};

// On the partitions' shard: appends each one's batches at the leader's offsets, then takes the
// leader's high watermark.
awaitable<std::vector<Status>> append_on_shard(Shard& shard, Follower::State& s,
                                               std::span<const ReplicaWork> work,
                                               std::span<const size_t> indexes, Buffer buffer) {
  auto state = std::make_shared<ShardReplicaAppends>(shard.executor(), indexes.size(), buffer);
  for (size_t k = 0; k < indexes.size(); ++k) {
    const ReplicaWork& w = work[indexes[k]];
    // A promotion began: its coordinators and security records load from what is stored now.
    if (!s.services.replicating()) {
      state->results[k] = Status::unavailable("this broker is being promoted");
      continue;
    }
    auto partition = shard.find_online(w.topic, w.partition);
    if (!partition) {
      state->results[k] = partition.error();
      continue;
    }
    storage::PartitionLog& log = *(*partition)->log();
    protocol::BatchIterator batches(w.records, protocol::Verify::kFramingOnly);
    size_t at = 0;
    while (auto batch = batches.next()) {
      std::span<std::byte> bytes = w.records.subspan(at, batch->bytes().size());
      at = batches.position();
      // The first batch may begin before the offset asked for (it holds it): we have it.
      if (batch->header().next_offset() <= w.fetch_offset) continue;
      int64_t producer = batch->header().producer_id;
      int64_t seen = s.max_producer_id.load();
      while (producer > seen && !s.max_producer_id.compare_exchange_weak(seen, producer)) {
      }
      ++state->outstanding;
      log.append_replica(bytes, [state, k](const Result<storage::AppendResult>& r) {
        if (!r && state->results[k].is_ok()) state->results[k] = r.error();
        if (--state->outstanding == 0) state->notifier.notify_all();
      });
    }
    if (!batches.status().is_ok()) state->results[k] = batches.status();
  }
  while (state->outstanding > 0) co_await state->notifier.wait();
  for (size_t k = 0; k < indexes.size(); ++k) {
    const ReplicaWork& w = work[indexes[k]];
    // Not once a promotion began: it clears what the leader said, for good.
    auto partition = shard.find_online(w.topic, w.partition);
    if (partition && s.services.replicating()) {
      (*partition)->set_leader_high_watermark(w.leader_high_watermark);
    }
  }
  co_return std::move(state->results);
}

// One replica fetch of every partition from our log ends, appended.
awaitable<Status> fetch_once(Follower::State& s) {
  const auto& partitions = s.partitions;
  PartitionRouter router(s.services.shards());
  for (size_t i = 0; i < partitions.size(); ++i) {
    router.add(i, partitions[i].first, partitions[i].second);
  }
  std::vector<int64_t> ends(partitions.size(), -1);
  auto log_end = [&partitions](Shard& shard, size_t i) -> int64_t {
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    return p ? (*p)->log()->high_watermark().value() : -1;
  };
  co_await router.for_each(ends, log_end);

  protocol::FetchRequest request;
  request.max_wait_ms = kFetchWaitMs;
  request.min_bytes = 1;
  request.max_bytes = kFetchBytes;
  request.replica_id = std::max(s.services.config().node_id, 0);
  std::vector<size_t> asked;  // partition index of each entry, in request order
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (ends[i] < 0) {
      s.topics_changed = true;  // not open here (yet)
      continue;
    }
    if (request.topics.empty() || request.topics.back().name != partitions[i].first) {
      request.topics.push_back(protocol::FetchTopic{partitions[i].first, {}});
    }
    request.topics.back().partitions.push_back(
        protocol::FetchPartition{partitions[i].second, ends[i], kPartitionFetchBytes});
    asked.push_back(i);
  }
  if (asked.empty()) co_return Status::ok();
  auto buffer = std::make_shared<std::vector<std::byte>>();
  auto response =
      co_await call<protocol::FetchResponse>(s, protocol::ApiKey::kFetch, 1, request, *buffer);
  if (!response) co_return response.error();

  std::vector<ReplicaWork> work;
  PartitionRouter appends(s.services.shards());
  size_t entry = 0;
  bool refused = false;  // a partition answered with an error
  for (const auto& topic : response->topics) {
    for (const auto& p : topic.partitions) {
      if (entry >= asked.size()) co_return Status::corruption("the leader's fetch answer is long");
      size_t i = asked[entry++];
      if (partitions[i].first != topic.name || partitions[i].second != p.partition) {
        co_return Status::corruption("the leader's fetch answer is out of order");
      }
      if (p.error == ErrorCode::kUnknownTopicOrPartition && is_internal_topic(topic.name)) {
        if (s.absent_internal.insert(topic.name).second) {
          spdlog::warn(
              "replica: the leader has no {}-{}: not copied (give both brokers the same "
              "--offsets-partitions, and SASL or the authorizer on both or on neither)",
              topic.name, p.partition);
        }
        s.topics_changed = true;
        continue;
      }
      if (p.error == ErrorCode::kUnknownTopicOrPartition) {
        s.topics_changed = true;
        continue;
      }
      if (p.error != ErrorCode::kNone) {
        refused = true;
        spdlog::warn("replica: fetching {}-{} at {}: {}", topic.name, p.partition, ends[i],
                     protocol::error_name(p.error));
        continue;
      }
      // A view into our own buffer, which the appends write their checks into no byte of.
      auto at = static_cast<size_t>(p.records.data() - buffer->data());
      std::span<std::byte> records(buffer->data() + (p.records.empty() ? 0 : at), p.records.size());
      appends.add(work.size(), topic.name, p.partition);
      work.push_back(ReplicaWork{partitions[i].first, p.partition, Offset(ends[i]), records,
                                 Offset(p.high_watermark)});
    }
  }
  if (work.empty() && refused) {
    // The leader answers errors at once: pause, rather than ask again in a tight loop.
    s.timer.expires_after(kReconnectDelay);
    boost::system::error_code ec;
    co_await s.timer.async_wait(asio::redirect_error(use_awaitable, ec));
    co_return Status::ok();
  }
  std::vector<Status> results(work.size());
  std::span<const ReplicaWork> all(work);
  auto append = [&s, all, buffer](Shard& shard, std::span<const size_t> indexes) {
    return append_on_shard(shard, s, all, indexes, buffer);
  };
  co_await appends.run(results, append);
  // Back on shard 0: ids the leader issued are never issued here, should this broker lead.
  if (int64_t seen = s.max_producer_id.load(); seen >= 0) {
    Status advanced = s.services.producer_ids().advance_past(seen);
    if (!advanced.is_ok()) co_return advanced.with_context("recording the leader's producer ids");
  }
  bool security_changed = false;
  for (size_t w = 0; w < work.size(); ++w) {
    if (!results[w].is_ok()) {
      co_return results[w].with_context("appending the leader's batches of " +
                                        std::string(work[w].topic) + "-" +
                                        std::to_string(work[w].partition));
    }
    security_changed |= is_security_topic(work[w].topic) && !work[w].records.empty();
  }
  // Users and ACLs as the leader has them, for this broker's logins now and once promoted.
  if (security_changed) {
    Status reloaded = co_await reload_security(s.services);
    if (!reloaded.is_ok()) co_return reloaded.with_context("the copied security records");
  }
  co_return Status::ok();
}

// The latest leader epoch of one of our partitions and its log end; epoch -1 when offline.
struct LocalEpoch {
  int32_t epoch = -1;
  int64_t log_end = -1;
};

// Asks the leader where the latest epoch of each of our partitions ended there, and cuts our log
// back to that point when it holds more: records a former leader wrote that the leader never
// had. A leader that knows no epoch as new as ours is itself a former leader: it is not
// followed (FENCED_LEADER_EPOCH), since following it would drop what a newer leader wrote.
awaitable<Status> truncate_divergence(Follower::State& s) {
  const auto& partitions = s.partitions;
  PartitionRouter router(s.services.shards());
  for (size_t i = 0; i < partitions.size(); ++i) {
    router.add(i, partitions[i].first, partitions[i].second);
  }
  std::vector<LocalEpoch> local(partitions.size());
  auto read_local = [&partitions](Shard& shard, size_t i) {
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    if (!p) return LocalEpoch{};
    const storage::PartitionLog& log = *(*p)->log();
    return LocalEpoch{log.leader_epochs().latest_epoch().value_or(-1),
                      log.high_watermark().value()};
  };
  co_await router.for_each(local, read_local);
  protocol::OffsetForLeaderEpochRequest request;
  std::vector<size_t> asked;
  for (size_t i = 0; i < partitions.size(); ++i) {
    if (local[i].epoch < 0) continue;
    if (request.topics.empty() || request.topics.back().name != partitions[i].first) {
      request.topics.push_back(protocol::EpochQueryTopic{partitions[i].first, {}});
    }
    request.topics.back().partitions.push_back({partitions[i].second, local[i].epoch});
    asked.push_back(i);
  }
  if (asked.empty()) co_return Status::ok();
  std::vector<std::byte> buffer;
  auto response = co_await call<protocol::OffsetForLeaderEpochResponse>(
      s, protocol::ApiKey::kOffsetForLeaderEpoch, 0, request, buffer);
  if (!response) co_return response.error();
  std::vector<int64_t> cut(partitions.size(), -1);
  size_t entry = 0;
  for (const auto& topic : response->topics) {
    for (const auto& p : topic.partitions) {
      if (entry >= asked.size()) {
        co_return Status::corruption("the leader's OffsetForLeaderEpoch answer is long");
      }
      size_t i = asked[entry++];
      if (p.error == ErrorCode::kNotLeader) {
        co_return Status::unavailable("the broker followed is itself a follower");
      }
      if (p.error != ErrorCode::kNone) continue;
      if (p.leader_epoch < 0) {
        co_return Status::fenced(
            "FENCED_LEADER_EPOCH: the broker followed knows no leader epoch as new as " +
            std::to_string(local[i].epoch) + " of " + topic.name + "-" +
            std::to_string(p.partition) +
            ": it is a former leader; follow the newer leader, or promote this broker");
      }
      if (p.end_offset < local[i].log_end) cut[i] = p.end_offset;
    }
  }
  std::vector<Status> results(partitions.size());
  auto truncate = [&partitions, &cut](Shard& shard, size_t i) {
    if (cut[i] < 0) return Status::ok();
    auto p = shard.find_online(partitions[i].first, partitions[i].second);
    if (!p) return Status::ok();
    auto end = (*p)->log()->truncate_to(Offset(cut[i]));
    if (!end) return end.error();
    spdlog::warn("replica: {}-{}: cut the log back to {}, where the leader's epoch ended",
                 partitions[i].first, partitions[i].second, end->value());
    return Status::ok();
  };
  co_await router.for_each(results, truncate);
  for (const Status& r : results) {
    if (!r.is_ok()) co_return r;
  }
  co_return Status::ok();
}

// One SCRAM exchange step: sends `message`, returns the leader's next one.
awaitable<Result<std::string>> scram_step(Follower::State& s, std::string message) {
  // Named: g++ 12 frees a temporary in a co_await expression twice.
  protocol::SaslAuthenticateRequest request{std::move(message)};
  std::vector<std::byte> buffer;
  auto reply = co_await call<protocol::SaslAuthenticateResponse>(
      s, protocol::ApiKey::kSaslAuthenticate, 0, request, buffer);
  if (!reply) co_return reply.error();
  if (reply->error != ErrorCode::kNone) {
    co_return Status::unavailable("the leader refused the login of --replica-user: " +
                                  std::string(protocol::error_name(reply->error)) + " " +
                                  reply->message);
  }
  co_return std::move(reply->auth_bytes);
}

// Logs in as --replica-user when one is given: SCRAM-SHA-256, or SCRAM-SHA-512 when the leader
// offers only that.
awaitable<Status> log_in(Follower::State& s) {
  const ReplicaLogin& options = s.login;
  if (options.user.empty()) co_return Status::ok();
  std::string mechanism;
  static constexpr std::array<std::string_view, 2> kMechanisms = {"SCRAM-SHA-256", "SCRAM-SHA-512"};
  for (std::string_view name : kMechanisms) {
    // Named: g++ 12 frees a temporary in a co_await expression twice.
    protocol::SaslHandshakeRequest request{std::string(name)};
    std::vector<std::byte> buffer;
    auto hello = co_await call<protocol::SaslHandshakeResponse>(s, protocol::ApiKey::kSaslHandshake,
                                                                0, request, buffer);
    if (!hello) co_return hello.error();
    if (hello->error == ErrorCode::kNone) {
      mechanism = name;
      break;
    }
  }
  if (mechanism.empty()) {
    co_return Status::unavailable("the leader offers neither SCRAM-SHA-256 nor SCRAM-SHA-512");
  }
  auto parsed = protocol::sasl::parse_scram_mechanism(mechanism);
  if (!parsed) co_return Status::invalid_argument("unknown SCRAM mechanism " + mechanism);
  protocol::sasl::ScramClient scram({.hash = protocol::sasl::hash_of(*parsed),
                                     .username = options.user,
                                     .password = options.password});
  auto first = scram.client_first();
  if (!first) co_return first.error();
  auto server_first = co_await scram_step(s, std::move(*first));
  if (!server_first) co_return server_first.error();
  auto final_message = scram.receive_server_first(*server_first);
  if (!final_message) co_return final_message.error().with_context("logging in to the leader");
  auto server_final = co_await scram_step(s, std::move(*final_message));
  if (!server_final) co_return server_final.error();
  co_return scram.receive_server_final(*server_final).with_context("the leader's SCRAM signature");
}

// Follows until the connection fails or the follower stops.
awaitable<Status> follow(Follower::State& s) {
  const ReplicationOptions& leader = s.services.config().replication;
  tcp::resolver resolver(s.socket.get_executor());
  auto endpoints = co_await resolver.async_resolve(
      leader.leader_host, std::to_string(leader.leader_port), use_awaitable);
  co_await asio::async_connect(s.socket, endpoints, use_awaitable);
  s.socket.set_option(tcp::no_delay(true));
  s.absent_internal.clear();
  Status logged_in = co_await log_in(s);
  if (!logged_in.is_ok()) co_return logged_in;
  spdlog::info("replica: following {}:{}", leader.leader_host, leader.leader_port);
  auto topics_due = std::chrono::steady_clock::now();
  while (!s.stopped && s.services.replicating() && !s.services.shutting_down()) {
    if (s.topics_changed || std::chrono::steady_clock::now() >= topics_due) {
      Status synced = co_await sync_topics(s);
      if (!synced.is_ok()) co_return synced;
      Status reconciled = co_await truncate_divergence(s);
      if (!reconciled.is_ok()) co_return reconciled;
      topics_due = std::chrono::steady_clock::now() + kTopicsInterval;
    }
    Status fetched = co_await fetch_once(s);
    if (!fetched.is_ok()) co_return fetched;
    if (s.partitions.empty()) {
      // Nothing to fetch: wait for the next look at the leader's topics.
      s.timer.expires_at(topics_due);
      boost::system::error_code ec;
      co_await s.timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }
  co_return Status::ok();
}

awaitable<void> run(std::shared_ptr<Follower::State> s) {
  std::string last_error;
  while (!s->stopped && s->services.replicating() && !s->services.shutting_down()) {
    std::string error;
    try {
      Status ended = co_await follow(*s);
      if (!ended.is_ok()) error = ended.to_string();
    } catch (const std::exception& e) {
      error = e.what();
    }
    boost::system::error_code ignored;
    s->socket.close(ignored);
    if (s->stopped) break;
    if (error != last_error) {
      spdlog::warn("replica: {}; connecting again", error);
      last_error = error;
    }
    s->timer.expires_after(kReconnectDelay);
    boost::system::error_code ec;
    co_await s->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }
}

}  // namespace

Follower::Follower(BrokerServices& services, Operations& ops, ReplicaLogin login)
    : state_(std::make_shared<State>(services, ops, std::move(login))) {}

Follower::~Follower() = default;

void Follower::start() {
  asio::co_spawn(state_->services.shard(0).executor(), run(state_), asio::detached);
}

void Follower::stop() {
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->socket.close(ignored);
  state_->timer.cancel();
}

}  // namespace cairn::broker
