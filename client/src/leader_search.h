#pragma once

// Finding the cluster's leader among the addresses of a `broker` setting (README, "Replication
// and failover"; PROTOCOL.md, Metadata version 2).
//
// Each address is probed in the order BrokerList gives: connected to and asked whether it leads
// and, if not, which address it knows as the leader. A broker that leads is the answer. A
// follower that names a leader sends the search there; one that names none, or a named leader
// that cannot be reached, moves it to the next bootstrap address. The search ends after every
// bootstrap address failed, or after a bounded number of probes (followers may name each other,
// or a leader that is gone); then the first follower reached is the answer, so that reads still
// work and writes get NOT_LEADER (and try again later) rather than failing to connect. With no
// broker reached at all, the last failure is the answer.
//
// A template over the connection type so that tests drive it with fakes; the client uses it
// with Connection (Connection::connect with ConnectionOptions::find_leader).

#include <functional>
#include <memory>
#include <string>

#include "client/src/broker_list.h"
#include "protocol/status.h"

namespace cairn::client {

// What probing one address found.
template <typename Conn>
struct LeaderProbe {
  std::unique_ptr<Conn> conn;
  bool leads = true;
  std::string leader;  // the leader's HOST:PORT as the broker knows it; empty: none
};

template <typename Conn>
using ProbeFn = std::function<Result<LeaderProbe<Conn>>(const std::string& address)>;

template <typename Conn>
Result<std::unique_ptr<Conn>> find_leader(BrokerList& brokers, size_t bootstrap_count,
                                          const ProbeFn<Conn>& probe) {
  std::unique_ptr<Conn> follower;
  Status last = Status::unavailable("no broker address to try");
  const size_t max_probes = 2 * bootstrap_count + 2;
  for (size_t probes = 0; probes < max_probes; ++probes) {
    std::string address = brokers.current();
    auto found = probe(address);
    if (!found) {
      last = found.error();
      brokers.connect_failed();
      if (brokers.exhausted()) break;
      continue;
    }
    if (found->leads) {
      brokers.succeeded();
      return std::move(found->conn);
    }
    if (!follower) follower = std::move(found->conn);
    // A follower naming itself would send the search round in a circle.
    brokers.not_leader(found->leader == address ? std::string() : found->leader);
  }
  if (follower) return follower;
  return last;
}

}  // namespace cairn::client
