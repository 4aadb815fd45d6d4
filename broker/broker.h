#pragma once

// Broker: the daemon as a whole. It owns the services every request reaches (services.h: the
// shards, one per core, the topics, groups and producer ids), the operations over them
// (ops/operations.h), the Cairn and Kafka front ends and their listeners, and runs startup (lock
// the data directory, load topics, recover partitions on their shards, listen) and a graceful stop
// (stop accepting, answer what was read, flush and close every partition). Nothing below includes
// this header: front ends get the operations, listeners and operations get the services.
// Thread-safe entry points: start(), request_stop(), wait().

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "broker/config.h"
#include "broker/http_routes.h"
#include "broker/replication/follower.h"
#include "broker/security/security_log.h"
#include "broker/services.h"
#include "protocol/status.h"

namespace cairn::broker {

struct ApiContext;
class CairnFrontEnd;
class KafkaFrontEnd;
class ConnectionLimiter;
class Operations;
class SecurityAdmin;
class Server;
namespace http {
class Server;
}
struct ListenerSasl;
struct ListenerTls;

class Broker {
 public:
  explicit Broker(BrokerConfig config);
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Locks the data directory, recovers every partition and starts listening. Errors: the data
  // directory is locked by another process, unreadable topic files, the port is taken.
  Status start();
  // Before start(): how a follower (--replica-of) logs in to its leader.
  void set_replica_login(ReplicaLogin login) { replica_login_ = std::move(login); }
  // Begins a graceful stop; returns at once. Safe from any thread or a signal handler's loop.
  void request_stop();
  // Blocks until the broker has stopped.
  void wait();
  // After wait(): how many partitions the graceful stop could not flush and close cleanly (their
  // acknowledged data is intact; the next start recovers them from the log).
  int stop_failures() const { return stop_failures_.load(); }

  const BrokerConfig& config() const { return services_.config(); }
  // The Cairn listener's port (after start()).
  uint16_t port() const;
  // The HTTP listener's port (after start()); 0 when it is off.
  uint16_t http_port() const;
  // The Kafka listener's port (after start()); 0 when it is off.
  uint16_t kafka_port() const;
  BrokerServices& services() { return services_; }
  // What the front ends call (after start()).
  Operations& operations() { return *operations_; }

 private:
  awaitable<void> shutdown();
  Status lock_data_dir();
  Status start_http();
  // Checks the security settings and builds the listener's TLS context when TLS is on.
  Status make_listener_tls();
  Status open_partitions(const std::map<std::string, storage::TopicConfig>& topics);
  // Creates the internal topic `name` (durability always) with `partitions` unless `topics`
  // has it; returns its partition count.
  Result<int32_t> ensure_internal_topic(std::map<std::string, storage::TopicConfig>& topics,
                                        std::string_view name, int32_t partitions);
  // With SASL or the authorizer on: creates the security topic if needed (before recovery),
  // and after it publishes the replayed records to every core, or fails closed.
  Status prepare_security();
  Status publish_security();

  BrokerServices services_;
  std::unique_ptr<Operations> operations_;
  std::unique_ptr<CairnFrontEnd> cairn_front_end_;
  std::shared_ptr<ConnectionLimiter> connections_;
  std::unique_ptr<ListenerTls> tls_;               // the Cairn listener's TLS, when configured
  std::unique_ptr<SecurityAdmin> security_admin_;  // the management APIs' changes
  std::unique_ptr<ListenerSasl> sasl_;             // the Cairn listener's SASL, when configured
  // The security records as replayed at start, when SASL or the authorizer is on.
  std::optional<Result<security::SecurityState>> replayed_security_;
  std::unique_ptr<Server> server_;
  ReadinessState readiness_;
  std::unique_ptr<ApiContext> api_;
  // The HTTP listener's TLS (the same certificate, no client certificates), when configured.
  std::unique_ptr<ListenerTls> http_tls_;
  std::unique_ptr<http::Server> http_;
  std::unique_ptr<KafkaFrontEnd> kafka_front_end_;
  std::unique_ptr<Server> kafka_server_;
  std::unique_ptr<Follower> follower_;  // with --replica-of
  ReplicaLogin replica_login_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<int> stop_failures_{0};
  int lock_fd_ = -1;
};

}  // namespace cairn::broker
