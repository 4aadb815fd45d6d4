#pragma once

// Structs that several Kafka messages share, with identical fields.

#include <cstdint>
#include <optional>
#include <string>

#include "protocol/kafka/schema.h"

namespace cairn::protocol::kafka {

// The current leader of a partition, returned so a client can skip a metadata refresh (KIP-951).
struct LeaderIdAndEpoch {
  int32_t leader_id = -1;
  int32_t leader_epoch = -1;

  template <class Io>
  void fields(Io& io) {
    io(leader_id, "LeaderId", Versions{0});
    io(leader_epoch, "LeaderEpoch", Versions{0});
  }
  bool operator==(const LeaderIdAndEpoch&) const = default;
};

// A broker's address, for the leaders named in LeaderIdAndEpoch (KIP-951).
struct NodeEndpoint {
  int32_t node_id = 0;
  std::string host;
  int32_t port = 0;
  std::optional<std::string> rack;

  template <class Io>
  void fields(Io& io) {
    io(node_id, "NodeId", Versions{0});
    io(host, "Host", Versions{0});
    io(port, "Port", Versions{0});
    io(rack, "Rack", Versions{0}, Nullable{0});
  }
  bool operator==(const NodeEndpoint&) const = default;
};

}  // namespace cairn::protocol::kafka
