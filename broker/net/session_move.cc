// Session's move to the shard that owns its partitions (session.h, "Moving"): where the front
// end places the connection, and handing its socket, lease and unread bytes to that shard.
#include <spdlog/spdlog.h>

#include "broker/net/server.h"
#include "broker/net/session.h"
#include "broker/shard.h"

namespace cairn::broker {

std::optional<unsigned> Session::move_target(protocol::MutableBytes frame) {
  auto head = front_end_.decode_head(frame);
  if (!head) return std::nullopt;  // the reader closes the connection
  Placement p = front_end_.placement(*head, frame.subspan(head->body_offset), mover_->shard_count);
  if (!p.decided) return std::nullopt;
  if (!p.shard || *p.shard == shard_.id()) {
    placed_ = true;
    return std::nullopt;
  }
  // Requests in flight: a client that pipelines (librdkafka sends its first Produce requests
  // back to back) is asked again with its next request, a bounded number of times.
  if (!queue_.empty() || handlers_running_ > 0) {
    if (++busy_placements_ >= kMaxBusyPlacements) placed_ = true;
    return std::nullopt;
  }
  placed_ = true;
  return p.shard;
}

bool Session::move_to(unsigned shard, std::vector<std::byte> bytes) {
  boost::system::error_code ec;
  auto protocol = socket_.local_endpoint(ec).protocol();
  if (ec) return false;
  int fd = socket_.release(ec);
  if (ec) return false;
  spdlog::debug("{}: moving the connection to shard {}", peer_, shard);
  mover_->move(shard, protocol, fd, std::move(lease_), std::move(bytes));
  close("moved to another shard");  // the socket no longer holds the descriptor
  return true;
}

}  // namespace cairn::broker
