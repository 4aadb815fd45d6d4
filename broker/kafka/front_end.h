#pragma once

// KafkaFrontEnd: Apache Kafka's wire protocol (protocol/kafka/) as a listener speaks it, so that
// unmodified Kafka clients produce, consume and manage topics on Cairn. Frames carry Kafka's
// big-endian size and request header; each served API (served_apis()) is decoded, turned into
// calls of the broker's operations, and its answer encoded at the request's version. As a Kafka
// broker does, a request for an API or version not served closes the connection, except
// ApiVersions, which answers any version (KIP-511). One per listener, shared by its sessions on
// every shard: it keeps only the operations and the address it gives out.

#include <atomic>
#include <cstdint>
#include <span>
#include <string>

#include "broker/net/front_end.h"

namespace cairn::broker {

class Operations;
class SecurityAdmin;
namespace security {
class SharedSecurity;
}

namespace kafka {

// One API as this listener serves it: the versions it answers and advertises.
struct ServedApi {
  int16_t key;
  int16_t min_version;
  int16_t max_version;
};

// What ApiVersions lists, by key.
std::span<const ServedApi> served_apis();
// The served entry for `key`, or nullptr.
const ServedApi* find_served(int16_t key);

}  // namespace kafka

class KafkaFrontEnd final : public FrontEnd {
 public:
  // `advertised_host` and `advertised_port` are what Metadata and FindCoordinator give out; an
  // advertised port of 0 gives out the port the listener is bound to (set_bound_port).
  // `authorizer`: the security state requests are authorized against, or null when the
  // authorizer is off; `security_admin` makes the ACL APIs' changes. Both outlive the front end.
  KafkaFrontEnd(Operations& ops, std::string advertised_host, uint16_t advertised_port,
                const security::SharedSecurity* authorizer = nullptr,
                SecurityAdmin* security_admin = nullptr)
      : ops_(ops),
        host_(std::move(advertised_host)),
        advertised_port_(advertised_port),
        authorizer_(authorizer),
        security_admin_(security_admin) {}

  void set_bound_port(uint16_t port) { bound_port_.store(port, std::memory_order_relaxed); }

  std::string_view name() const override { return "kafka"; }
  uint32_t frame_length(std::span<const std::byte, kLengthPrefixBytes> prefix) const override;
  uint32_t min_frame_bytes() const override;
  Result<RequestHead> decode_head(protocol::Bytes frame) const override;
  std::string_view api_name(const RequestHead& head) const override;
  awaitable<std::optional<OutboundFrame>> handle(InboundRequest& request) override;
  // Kafka has no error-only response: the connection is closed.
  OutboundFrame error_frame(const RequestHead& head, protocol::ErrorCode error,
                            std::string_view message) const override;
  // ApiVersions, SaslHandshake and SaslAuthenticate.
  bool allowed_before_authentication(const RequestHead& head) const override;
  // Produce and Fetch name their partitions (the versions served name topics, not topic ids).
  Placement placement(const RequestHead& head, protocol::MutableBytes body,
                      unsigned shard_count) const override;

 private:
  Operations& ops_;
  const std::string host_;
  const uint16_t advertised_port_;
  const security::SharedSecurity* authorizer_;
  SecurityAdmin* security_admin_;
  std::atomic<uint16_t> bound_port_{0};
};

}  // namespace cairn::broker
