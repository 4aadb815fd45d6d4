#include "broker/broker.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

#include <thread>

#include "broker/broker_metrics.h"
#include "broker/cairn/front_end.h"
#include "broker/kafka/front_end.h"
#include "broker/group/coordinator.h"
#include "broker/txn/transaction_log_record.h"
#include "broker/txn_coordinator/coordinator.h"
#include "broker/group/group_host.h"
#include "broker/group/offset_log.h"
#include "broker/http/console_files.h"
#include "broker/http/server.h"
#include "broker/http_api.h"
#include "broker/net/listener_sasl.h"
#include "broker/net/listener_tls.h"
#include "broker/net/server.h"
#include "broker/net/session.h"
#include "broker/ops/operations.h"
#include "broker/ops/security_admin.h"
#include "broker/producer_ids.h"
#include "broker/security/offline_security_store.h"
#include "broker/security/security_snapshot.h"
#include "broker/shard_drain.h"
#include "broker/replication/follower.h"
#include "tls/tls_context.h"

namespace cairn::broker {

Broker::Broker(BrokerConfig config) : services_(std::move(config)) {}

Broker::~Broker() {
  // The listener's handlers post to the shards: it goes first.
  if (http_) http_->stop();
  for (auto& s : services_.shards_) s->stop();
  for (auto& s : services_.shards_) s->join();
  // Objects bound to a shard's io_context go before the shards.
  server_.reset();
  kafka_server_.reset();
  tls_.reset();
  sasl_.reset();
  services_.admin_mutex_.reset();
  services_.coordinators_.clear();
  services_.txn_coordinators_.clear();
  services_.shards_.clear();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

uint16_t Broker::port() const { return server_ ? server_->port() : 0; }

uint16_t Broker::kafka_port() const { return kafka_server_ ? kafka_server_->port() : 0; }

uint16_t Broker::http_port() const { return http_ ? http_->port() : 0; }

Status Broker::start_http() {
  const BrokerConfig& config = services_.config();
  if (!config.http_enabled) return Status::ok();
  http::Router router;
  std::function<uint32_t()> open_connections = [this] {
    return connections_ ? connections_->open_total() : 0;
  };
  add_broker_routes(router, services_, readiness_, open_connections);
  // The JSON API and the console neither authenticate nor authorize: with SASL or the
  // authorizer on they are not served (metrics and health stay).
  const security::SecurityConfig& sec = config.security;
  if (sec.sasl_mechanisms.empty() && !sec.authorizer) {
    api_ = std::make_unique<ApiContext>(ApiContext{
        services_, *operations_, readiness_, open_connections, std::chrono::steady_clock::now()});
    add_api_routes(router, *api_);
    router.set_static_files(http::console_files());
  }
  http::ServerOptions options;
  options.host = config.http_host;
  options.port = config.http_port;
  // With --tls-cert the HTTP listener speaks HTTPS with the same certificate; it asks for no
  // client certificate (what it serves with SASL or the authorizer on is health and metrics).
  if (sec.tls()) {
    auto context = tls::make_server_context(
        {.certificate_file = *sec.tls_cert, .private_key_file = *sec.tls_key});
    if (!context) return context.error().with_context("the HTTP listener's TLS");
    http_tls_ = std::make_unique<ListenerTls>(ListenerTls{std::move(*context), std::nullopt});
    options.tls = &http_tls_->context;
  }
  http_ = std::make_unique<http::Server>(std::move(router), options);
  if (Status s = http_->start(); !s.is_ok()) {
    std::string what = "--http-listen " + config.http_host + ":" +
                       std::to_string(config.http_port) + ": " + s.message();
    return s.is_invalid_argument() ? Status::invalid_argument(what) : Status::unavailable(what);
  }
  spdlog::info("http listener (metrics, health, API, console) on {}://{}:{}/",
               http_tls_ ? "https" : "http", config.http_host, http_->port());
  return Status::ok();
}

Status Broker::lock_data_dir() {
  const std::filesystem::path& data_dir = services_.config().data_dir;
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec) {
    return Status::io_error("cannot create data directory " + data_dir.string() + ": " +
                            ec.message());
  }
  auto path = data_dir / ".lock";
  lock_fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) return Status::from_errno(errno, "open " + path.string());
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    char pid[32] = {};
    ssize_t n = ::pread(lock_fd_, pid, sizeof pid - 1, 0);
    std::string holder = n > 0 ? std::string(pid, static_cast<size_t>(n)) : "unknown";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    return Status::unavailable("data directory " + data_dir.string() +
                               " is in use by another cairnd (pid " + holder + ")");
  }
  std::string me = std::to_string(::getpid()) + "\n";
  if (::ftruncate(lock_fd_, 0) != 0 || ::pwrite(lock_fd_, me.data(), me.size(), 0) < 0) {
    spdlog::warn("could not record the pid in {}", path.string());
  }
  return Status::ok();
}

Status Broker::open_partitions(const std::map<std::string, storage::TopicConfig>& topics) {
  // Each shard recovers its own partitions, all shards at once.
  auto& shards = services_.shards_;
  std::vector<std::vector<std::pair<std::string, int32_t>>> work(shards.size());
  for (const auto& [name, config] : topics) {
    services_.registry_.set(name, config);
    for (int32_t p = 0; p < config.partitions; ++p) {
      work[services_.shard_for(name, p).id()].emplace_back(name, p);
    }
  }
  size_t total = 0;
  for (const auto& w : work) total += w.size();
  readiness_.begin_recovery(total);
  std::mutex offline_mutex;
  std::string offline;
  auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < shards.size(); ++i) {
    threads.emplace_back([this, i, &shards, &work, &topics, &offline_mutex, &offline] {
      Shard& shard = *shards[i];
      for (const auto& [name, p] : work[i]) {
        readiness_.partition_recovered();
        auto dir = services_.store_->partition_dir(name, p);
        auto config = partition_config(services_.config(), name, topics.at(name));
        auto log = storage::PartitionLog::open(shard.io(), dir, config);
        if (!log) {
          spdlog::error("partition {}-{} is offline: {}", name, p, log.error().to_string());
          std::lock_guard lock(offline_mutex);
          if (!offline.empty()) offline += "; ";
          offline += name + "-" + std::to_string(p) + ": " + log.error().message();
          shard.add(std::make_unique<Partition>(name, p, log.error()));
          continue;
        }
        if (name == security::kSecurityTopic && p == 0) {
          security::SecurityState state;
          Status replayed = security::replay_security_log(**log, state);
          replayed_security_ = replayed.is_ok() ? Result<security::SecurityState>(std::move(state))
                                                : Result<security::SecurityState>(replayed);
        }
        const auto& r = (*log)->recovery_report();
        if (r.bytes_truncated > 0 || r.indexes_rebuilt > 0) {
          spdlog::warn("partition {}-{}: recovery cut {} bytes, rebuilt {} indexes", name, p,
                       r.bytes_truncated, r.indexes_rebuilt);
        }
        spdlog::debug("partition {}-{}: offsets {}..{}, scanned {} segments", name, p,
                      (*log)->log_start_offset().value(), (*log)->high_watermark().value(),
                      r.segments_scanned);
        shard.add(std::make_unique<Partition>(name, p, std::move(*log)));
      }
    });
  }
  for (auto& t : threads) t.join();
  services_.metrics().recovery_duration.set(
      0, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  readiness_.set_offline(std::move(offline));
  return Status::ok();
}

Status Broker::make_listener_tls() {
  const security::SecurityConfig& sec = services_.config().security;
  CAIRN_RETURN_IF_ERROR(sec.validate());
  for (const auto& warning : sec.warnings()) spdlog::warn("security: {}", warning);
  if (!sec.tls()) return Status::ok();
  auto context = tls::make_server_context({.certificate_file = *sec.tls_cert,
                                           .private_key_file = *sec.tls_key,
                                           .client_ca_file = sec.tls_client_ca});
  if (!context) return context.error();
  tls_ = std::make_unique<ListenerTls>(ListenerTls{std::move(*context), std::nullopt});
  // With SASL a client certificate only proves the channel; without it, it names the client.
  if (sec.tls_client_ca && sec.sasl_mechanisms.empty()) {
    auto rules = security::PrincipalMapper::parse(sec.tls_principal_rules.empty()
                                                      ? security::kDefaultPrincipalRules
                                                      : std::string_view(sec.tls_principal_rules));
    if (!rules) return rules.error().with_context("--tls-principal-rules");
    tls_->principals = std::move(*rules);
  }
  return Status::ok();
}

Status Broker::prepare_security() {
  const security::SecurityConfig& sec = services_.config().security;
  services_.security_ = std::make_shared<security::SharedSecurity>(
      security::AuthorizerConfig{sec.authorizer, sec.super_users});
  if (sec.sasl_mechanisms.empty() && !sec.authorizer) return Status::ok();
  auto created = security::ensure_security_topic(*services_.store_);
  if (!created) return created.error().with_context("the security topic");
  if (*created) spdlog::info("created the security topic {}", security::kSecurityTopic);
  if (!sec.sasl_mechanisms.empty()) {
    security::CredentialLookup lookup = [security = services_.security_](
                                            std::string_view user,
                                            protocol::sasl::ScramMechanism mechanism) {
      return security->current()->credentials.find(user, mechanism);
    };
    sasl_ = std::make_unique<ListenerSasl>(ListenerSasl{sec.sasl_mechanisms, std::move(lookup)});
  }
  return Status::ok();
}

Status Broker::publish_security() {
  const security::SecurityConfig& sec = services_.config().security;
  if (sec.sasl_mechanisms.empty() && !sec.authorizer) return Status::ok();
  // Fail closed: a broker that cannot read its security records serves no one.
  if (!replayed_security_) {
    return Status::unavailable(std::string("the security topic ") +
                               std::string(security::kSecurityTopic) + " is offline");
  }
  if (!*replayed_security_) {
    return replayed_security_->error().with_context("the security topic");
  }
  const security::SecurityState& state = **replayed_security_;
  services_.security_->publish(state);
  spdlog::info("security: {} users, {} ACL bindings{}{}", state.credentials().users().size(),
               state.acls().size(), sec.sasl_mechanisms.empty() ? "" : "; SASL required",
               sec.authorizer ? "; authorizer on" : "");
  replayed_security_.reset();
  return Status::ok();
}

Result<int32_t> Broker::ensure_internal_topic(std::map<std::string, storage::TopicConfig>& topics,
                                              std::string_view name, int32_t partitions) {
  std::string topic(name);
  if (!topics.count(topic)) {
    storage::TopicConfig c;
    c.partitions = partitions;
    c.segment_bytes = 64ull << 20;
    c.durability = storage::DurabilityPolicy::always();
    CAIRN_RETURN_IF_ERROR(services_.store_->create(topic, c));
    topics.emplace(topic, c);
  }
  return topics.at(topic).partitions;
}

Status Broker::start() {
  CAIRN_RETURN_IF_ERROR(make_listener_tls());
  CAIRN_RETURN_IF_ERROR(lock_data_dir());
  // Before recovery, so that /readyz can say how far it is. The operations only hold the
  // services; the API answers 503 until the shards serve.
  operations_ = std::make_unique<Operations>(services_);
  CAIRN_RETURN_IF_ERROR(start_http());
  BrokerServices& s = services_;
  const BrokerConfig& config = s.config_;
  for (unsigned i = 0; i < config.threads; ++i) {
    s.shards_.push_back(std::make_unique<Shard>(i, config));
    s.shards_.back()->set_metrics(&s.metrics());
    CAIRN_RETURN_IF_ERROR(s.shards_.back()->init());
  }
  s.admin_mutex_ = std::make_unique<AsyncMutex>(s.shards_[0]->executor());
  s.store_ = std::make_unique<storage::TopicStore>(s.shards_[0]->io(), config.data_dir);
  CAIRN_RETURN_IF_ERROR(s.store_->init());
  CAIRN_RETURN_IF_ERROR(prepare_security());
  auto topics = s.store_->load_all();
  if (!topics) return topics.error();
  // Committed offsets and transaction states live in internal topics, synced on every change.
  auto offsets = ensure_internal_topic(*topics, kOffsetsTopic, config.groups.offsets_partitions);
  if (!offsets) return offsets.error();
  s.offsets_partitions_ = *offsets;
  auto states = ensure_internal_topic(*topics, txn::kTransactionStateTopic,
                                      config.transactions.state_partitions);
  if (!states) return states.error();
  s.transaction_state_partitions_ = *states;
  s.producer_ids_ =
      std::make_unique<ProducerIds>(s.shards_[0]->io(), config.data_dir / "producer-ids");
  CAIRN_RETURN_IF_ERROR(s.producer_ids_->load());
  // Idempotent batches must carry an id InitProducerId handed out: a made-up one would make each
  // partition remember another producer.
  for (auto& shard : s.shards_) {
    shard->set_producer_id_filter(
        [ids = s.producer_ids_.get()](int64_t id) { return ids->issued(id); });
  }
  CAIRN_RETURN_IF_ERROR(open_partitions(*topics));
  CAIRN_RETURN_IF_ERROR(publish_security());
  for (auto& shard : s.shards_) {
    s.coordinators_.push_back(std::make_unique<GroupCoordinator>(make_group_host(s, *shard),
                                                                 config.groups, shard->executor()));
    // A follower's offsets partitions are copies of the leader's: its coordinators load them
    // at a promotion, and write nothing into them before.
    if (config.replication.leader_host.empty()) s.coordinators_.back()->load();
    s.coordinators_.back()->start();
    txn::TxnLimits limits;
    limits.max_timeout = config.transactions.max_timeout;
    s.txn_coordinators_.push_back(
        std::make_unique<TxnCoordinator>(make_txn_host(s, *shard), limits, shard->executor()));
    if (config.replication.leader_host.empty()) s.txn_coordinators_.back()->load();
    s.txn_coordinators_.back()->start();
  }
  security_admin_ = std::make_unique<SecurityAdmin>(s);
  cairn_front_end_ = std::make_unique<CairnFrontEnd>(
      *operations_, s.metrics(), config.security.authorizer ? s.security_.get() : nullptr,
      security_admin_.get());
  connections_ = std::make_shared<ConnectionLimiter>(config.limits.max_connections,
                                                     config.limits.max_connections_per_ip);
  server_ = std::make_unique<Server>(s, *cairn_front_end_, config.host, config.port, connections_,
                                     tls_.get(), sasl_.get());
  CAIRN_RETURN_IF_ERROR(server_->listen());
  cairn_front_end_->set_port(server_->port());
  if (config.kafka.enabled) {
    const KafkaListenerConfig& k = config.kafka;
    kafka_front_end_ = std::make_unique<KafkaFrontEnd>(
        *operations_, k.advertised_host.empty() ? k.host : k.advertised_host, k.advertised_port,
        config.security.authorizer ? s.security_.get() : nullptr, security_admin_.get());
    // The same TLS and SASL as Cairn's listener: SASL_SSL with --tls-cert, else SASL_PLAINTEXT.
    kafka_server_ = std::make_unique<Server>(s, *kafka_front_end_, k.host, k.port, connections_,
                                             tls_.get(), sasl_.get());
    CAIRN_RETURN_IF_ERROR(kafka_server_->listen());
    kafka_front_end_->set_bound_port(kafka_server_->port());
  }
  for (auto& shard : s.shards_) shard->start_retention_timer(config.retention_check_interval);
  if (config.cleaner_bytes_per_sec > 0) {
    storage::LogCleaner::Options cleaner;
    cleaner.bytes_per_sec = config.cleaner_bytes_per_sec;
    cleaner.idle_interval = config.cleaner_check_interval;
    for (auto& shard : s.shards_) shard->start_cleaner(cleaner);
  }
  if (!config.replication.leader_host.empty()) {
    s.set_following(true);
    follower_ = std::make_unique<Follower>(s, *operations_, replica_login_);
  }
  for (auto& shard : s.shards_) shard->start();
  if (follower_) follower_->start();
  server_->start();
  if (kafka_server_) {
    kafka_server_->start();
    spdlog::info("kafka listener on {}:{}", config.kafka.host, kafka_server_->port());
  }
  readiness_.set_serving();
  size_t partitions = 0, user_topics = 0;
  for (const auto& [name, c] : *topics) {
    if (name.starts_with("__")) continue;
    ++user_topics;
    partitions += static_cast<size_t>(c.partitions);
  }
  spdlog::info(
      "cairnd serving on {}:{}{} with data in {}: {} topics, {} partitions, {} threads, "
      "I/O backend {}",
      config.host, port(),
      !tls_                           ? ""
      : config.security.tls_client_ca ? " (TLS, client certificates required)"
                                      : " (TLS)",
      config.data_dir.string(), user_topics, partitions, s.shards_.size(),
      s.shards_[0]->io().name());
  return Status::ok();
}

void Broker::request_stop() {
  if (stop_requested_.exchange(true)) return;
  asio::co_spawn(services_.shards_[0]->executor(), shutdown(), asio::detached);
}

awaitable<void> Broker::shutdown() {
  spdlog::info("stopping: no new connections; answering requests already read");
  services_.shutting_down_ = true;
  if (follower_) follower_->stop();
  readiness_.set_stopping();
  server_->stop_accepting();
  if (kafka_server_) kafka_server_->stop_accepting();
  std::vector<std::pair<asio::any_io_executor, awaitable<int>>> tasks;
  for (auto& s : services_.shards_) tasks.emplace_back(s->executor(), drain_shard(services_, *s));
  auto failures = co_await gather(std::move(tasks));
  co_await finish_admin_in_flight(services_);
  int total = 0;
  for (int f : failures) total += f;
  stop_failures_ = total;
  if (total == 0) {
    spdlog::info("stopped: partitions flushed and closed");
  } else {
    spdlog::error(
        "stopped, but {} partitions could not be flushed and closed cleanly (above); "
        "the next start recovers them from their logs",
        total);
  }
  for (auto& s : services_.shards_) s->stop();
}

void Broker::wait() {
  for (auto& s : services_.shards_) s->join();
}

}  // namespace cairn::broker
