#pragma once

// The client's bootstrap addresses and its choice of the broker to talk to.
//
// A `broker` setting is a comma-separated list of HOST:PORT addresses ("a:9292,b:9292"). The
// client connects to the current address; when that fails it moves to the next one, in turn,
// wrapping around. When a broker answers NOT_LEADER and names the cluster's leader (Metadata),
// the leader becomes the current address until it fails; then the list is tried again from the
// address after the one that named it.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/status.h"

namespace cairn::client {

// Splits "a:1, b:2" into {"a:1", "b:2"}: spaces around entries are dropped, every entry must be
// HOST:PORT with a non-empty host and a port in 1..65535, and the list must name at least one.
Result<std::vector<std::string>> parse_broker_list(std::string_view text);

class BrokerList {
 public:
  explicit BrokerList(std::vector<std::string> bootstrap);

  // The address to connect to now.
  const std::string& current() const;
  // The current address could not be reached (or stopped answering): move on. A leader learned
  // from Metadata is forgotten; otherwise the next bootstrap address, wrapping around.
  void connect_failed();
  // A broker said it is not the leader and named `leader` (empty: it knows of none). A named
  // leader becomes current; with none, the next bootstrap address does.
  void not_leader(std::string_view leader);
  // Whether every bootstrap address has been tried since the last success.
  bool exhausted() const { return failures_ >= bootstrap_.size(); }
  // A request got an answer from current(): the failure count starts over.
  void succeeded() { failures_ = 0; }

 private:
  std::vector<std::string> bootstrap_;
  std::size_t next_ = 0;  // index of the current bootstrap address
  std::optional<std::string> leader_;
  std::size_t failures_ = 0;
};

}  // namespace cairn::client
