#pragma once

// CairnFrontEnd: Cairn's own protocol (protocol/PROTOCOL.md) as a listener speaks it. Frames
// carry a little-endian length prefix and Cairn's request header; each request is handled by
// its entry of the handler table (handler_table.h), over the broker's operations. One per
// listener, shared by its sessions on every shard: it keeps nothing but the operations and the
// port it gives out, so any shard may call it at once.

#include <atomic>
#include <cstdint>
#include <vector>

#include "broker/broker_metrics.h"
#include "broker/net/front_end.h"

namespace cairn::broker {

class Operations;
class SecurityAdmin;
namespace security {
class SharedSecurity;
}

class CairnFrontEnd final : public FrontEnd {
 public:
  // Registers a request counter, error counter and latency histogram for every API in
  // `metrics`, which must outlive the front end. `authorizer`: the security state requests are
  // authorized against, or null when the authorizer is off; it outlives the front end.
  CairnFrontEnd(Operations& ops, BrokerMetrics& metrics,
                const security::SharedSecurity* authorizer = nullptr,
                SecurityAdmin* security_admin = nullptr);

  // The port clients reach this listener on, which Metadata and FindCoordinator give out; set
  // once the listener is bound.
  void set_port(uint16_t port) { port_.store(port, std::memory_order_relaxed); }

  std::string_view name() const override { return "cairn"; }
  uint32_t frame_length(std::span<const std::byte, kLengthPrefixBytes> prefix) const override;
  uint32_t min_frame_bytes() const override;
  Result<RequestHead> decode_head(protocol::Bytes frame) const override;
  std::string_view api_name(const RequestHead& head) const override;
  awaitable<std::optional<OutboundFrame>> handle(InboundRequest& request) override;
  OutboundFrame error_frame(const RequestHead& head, protocol::ErrorCode error,
                            std::string_view message) const override;
  bool allowed_before_authentication(const RequestHead& head) const override;
  // A Produce or Fetch whose partitions one shard owns places the connection on that shard.
  Placement placement(const RequestHead& head, protocol::MutableBytes body,
                      unsigned shard_count) const override;

 private:
  Operations& ops_;
  const security::SharedSecurity* authorizer_;
  SecurityAdmin* security_admin_;
  std::atomic<uint16_t> port_{0};
  std::vector<ApiMetrics> apis_;  // by API key
};

}  // namespace cairn::broker
