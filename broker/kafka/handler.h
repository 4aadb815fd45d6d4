#pragma once

// What a handler of a Kafka API sees and answers. A handler translates between Kafka's messages
// (protocol/kafka/messages/) and the broker's operations and does nothing else; error codes go
// through kafka_error() (error_mapping.h), the one translation of the broker's codes to Kafka's.

#include "broker/async.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "broker/memory_budget.h"
#include "broker/net/front_end.h"
#include "broker/ops/operations.h"
#include "broker/security/security_snapshot.h"

namespace cairn::broker {
class SecurityAdmin;
namespace security {
class SaslAuthenticator;
}
}  // namespace cairn::broker

namespace cairn::broker::kafka {

struct KafkaContext {
  Operations& ops;
  const RequestHead& head;
  protocol::MutableBytes body;
  std::shared_ptr<const void> body_owner;
  std::string_view peer_host;
  MemoryCharge& memory;
  std::string_view advertised_host;
  uint16_t advertised_port;
  // Who sent the request ("User:NAME"), and the connection's SASL exchange when the listener
  // requires SASL (else null).
  std::string_view principal = "User:ANONYMOUS";
  security::SaslAuthenticator* sasl = nullptr;
  // The security state this request is authorized against, held for the request; null when
  // the authorizer is off (then every request is allowed).
  std::shared_ptr<const security::SecuritySnapshot> security;
  // Online changes to users and ACLs (CreateAcls, DeleteAcls).
  SecurityAdmin* security_admin = nullptr;
  // Set by a handler whose answer must be the connection's last (a failed authentication).
  bool close_after = false;

  int16_t version() const { return static_cast<int16_t>(head.api_version); }
};

// A handler's answer: the response, or none (Produce with acks=0); `version` encodes it in
// another version than the request's (ApiVersions past its highest).
template <class Response>
struct KafkaReply {
  KafkaReply(Response r) : body(std::move(r)) {}  // NOLINT: a handler returns its response as is
  static KafkaReply none() { return KafkaReply(); }

  std::optional<Response> body;
  std::optional<int16_t> version;
  // Bytes the body's records view (a fetch's batches read from their files), kept until the
  // body is encoded.
  std::vector<std::vector<std::byte>> buffers;

 private:
  KafkaReply() = default;
};

// What a request naming topics and their partitions costs in memory while it is served: per
// topic `per_topic` bytes and its name twice (request and answer), per partition `per_partition`.
template <class Topic>
uint64_t topics_charge(const std::vector<Topic>& topics, std::string Topic::*name,
                       uint64_t per_topic, uint64_t per_partition) {
  uint64_t work = 0;
  for (const Topic& t : topics) {
    work += per_topic + 2 * (t.*name).size() + per_partition * t.partitions.size();
  }
  return work;
}

}  // namespace cairn::broker::kafka
