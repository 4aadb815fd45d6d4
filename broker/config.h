#pragma once

// BrokerConfig: everything cairnd can be told, with its defaults. Flags and the TOML config
// file (tools/cairnd) fill it; README ("cairnd") documents each field under its flag name.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

#include "broker/security/security_config.h"
#include "storage/io/io_backend.h"
#include "storage/topic_store.h"

namespace cairn::broker {

struct Limits {
  uint32_t max_frame_bytes = 16u << 20;  // --max-frame-bytes: larger frames close the connection
  uint32_t max_batch_bytes = 8u << 20;   // --max-batch-bytes: larger produced batches are refused
  uint32_t max_connections = 4096;  // --max-connections: beyond it, new ones are closed at once
  uint32_t max_connections_per_ip = 1024;  // --max-connections-per-ip: the same, per client address
  uint32_t max_inflight_requests = 1024;   // --max-inflight-requests: per connection
  std::chrono::milliseconds idle_timeout{
      600'000};  // --idle-timeout-ms: no traffic for this long closes
  std::chrono::milliseconds request_timeout{
      30'000};  // --request-timeout-ms: a frame must arrive in full within this
  std::chrono::milliseconds first_request_timeout{
      10'000};  // --first-request-timeout-ms: a new connection's first request
  uint64_t request_memory_bytes =
      256ull << 20;  // --request-memory-bytes: request buffers held at once, per broker
  std::chrono::milliseconds max_fetch_wait{30'000};  // longest long poll a fetch may ask for
};

struct GroupOptions {
  std::chrono::milliseconds rebalance_delay{
      200};  // --group-rebalance-delay-ms: wait this long for more joins
  std::chrono::milliseconds min_session_timeout{100};
  std::chrono::milliseconds max_session_timeout{300'000};
  std::chrono::milliseconds offsets_retention{7LL * 24 * 3600 * 1000};  // --offsets-retention-ms
  uint64_t snapshot_bytes = 16ull << 20;  // offsets log bytes between snapshots
  int32_t offsets_partitions = 8;         // --offsets-partitions (fixed once the topic exists)
};

// The transaction coordinator (PROTOCOL.md, "Transactions").
struct TransactionOptions {
  // --transaction-max-timeout-ms: the longest transaction timeout a producer may ask for.
  std::chrono::milliseconds max_timeout{15LL * 60 * 1000};
  int32_t state_partitions = 8;  // of __transaction_state (fixed once the topic exists)
};

// The Kafka listener (--kafka-listen, --kafka-advertised). Off unless enabled: cairnd's flag
// turns it on by default, a BrokerConfig built in code leaves it off.
struct KafkaListenerConfig {
  bool enabled = false;
  std::string host = "127.0.0.1";
  uint16_t port = 9092;
  std::string advertised_host;   // empty: the listen host
  uint16_t advertised_port = 0;  // 0: the port bound
};

// Replication (README, "Replication and failover").
struct ReplicationOptions {
  std::string leader_host;  // --replica-of HOST:PORT: follow that broker; empty: lead
  uint16_t leader_port = 0;
  // --replica-lag-max-ms: a follower not caught up for this long leaves the in-sync set.
  std::chrono::milliseconds lag_max{10'000};
  // --min-insync-replicas: acks=all fails with NOT_ENOUGH_REPLICAS when fewer replicas (this
  // one included) are in sync.
  int32_t min_insync_replicas = 1;
};

struct BrokerConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 9292;
  std::filesystem::path data_dir = "./cairn-data";
  unsigned threads = 0;  // --threads: cores to use; 0 = one per CPU
  storage::IoBackendKind io_backend = storage::IoBackendKind::kAuto;
  Limits limits;
  storage::TopicConfig topic_defaults;  // --partitions, --segment-bytes, --retention-*, --fsync
  bool auto_create_topics = false;      // --auto-create-topics
  std::chrono::milliseconds retention_check_interval{300'000};  // --retention-check-ms
  // Compaction, per shard: bytes its cleaner reads per second at most (0: no cleaner), and how
  // often an idle cleaner looks for a partition to compact.
  uint64_t cleaner_bytes_per_sec = 32ull << 20;              // --cleaner-bytes-per-sec
  std::chrono::milliseconds cleaner_check_interval{15'000};  // --cleaner-check-ms
  int32_t node_id = 0;
  std::string version;  // the build's, for the HTTP API's health answer
  // --http-listen: the HTTP listener for metrics, health, the JSON API and the web console;
  // off when http_enabled is false (an empty --http-listen). Off in code, as the Kafka
  // listener, so that brokers embedded in tests bind no fixed port; cairnd's flag turns it on.
  bool http_enabled = false;
  std::string http_host = "127.0.0.1";
  uint16_t http_port = 9644;
  GroupOptions groups;
  TransactionOptions transactions;
  security::SecurityConfig security;  // --tls-*, --sasl-mechanisms, --authorizer, --super-users
  KafkaListenerConfig kafka;
  ReplicationOptions replication;
};

}  // namespace cairn::broker
