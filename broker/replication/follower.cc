// Follower (follower.h): the follow loop, its login and the leader's topics. The replica fetch
// is in replica_fetch.cc.
#include "broker/replication/follower_state.h"

namespace cairn::broker {
namespace replica {
namespace {

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
}  // namespace replica

Follower::Follower(BrokerServices& services, Operations& ops, ReplicaLogin login)
    : state_(std::make_shared<State>(services, ops, std::move(login))) {}

Follower::~Follower() = default;

void Follower::start() {
  asio::co_spawn(state_->services.shard(0).executor(), replica::run(state_), asio::detached);
}

void Follower::stop() {
  state_->stopped = true;
  boost::system::error_code ignored;
  state_->socket.close(ignored);
  state_->timer.cancel();
}

}  // namespace cairn::broker
