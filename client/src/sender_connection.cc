// The Sender's connection: connecting (and, idempotent, taking a producer id), reconnecting
// when the connection failed, and the topics' partition counts. See sender.h.
#include <algorithm>

#include "client/src/sender.h"
#include "client/src/wire_status.h"
#include "protocol/messages/init_producer_id.h"

namespace cairn::client {

namespace {

Result<protocol::InitProducerIdResponse> init_producer_id(Connection& c) {
  auto r = c.call<protocol::InitProducerIdRequest, protocol::InitProducerIdResponse>(
      protocol::ApiKey::kInitProducerId, protocol::InitProducerIdRequest{});
  if (!r) return r.error().with_context("InitProducerId");
  // The producer cannot start without an id, whatever the code: a refusal is worth retrying.
  if (r->body.error != protocol::ErrorCode::kNone) {
    return Status::unavailable("InitProducerId: " +
                               std::string(protocol::error_name(r->body.error)));
  }
  return r->body;
}

}  // namespace

Status Sender::connect() {
  ConnectionOptions o{config_.broker,          config_.client_id, config_.connect_timeout,
                      config_.request_timeout, config_.tls,       config_.sasl};
  o.find_leader = true;
  auto c = Connection::connect(o);
  if (!c) return c.error();
  std::shared_ptr<Connection> fresh(std::move(*c));
  accumulator_->set_max_batch_bytes(fresh->broker_info().max_batch_bytes);
  bool need_id;
  {
    std::lock_guard lock(mu_);
    // A transactional producer's id comes from init_transactions().
    need_id = config_.idempotent && !transactions_->transactional() &&
              (producer_id_ < 0 || renew_producer_id_);
  }
  if (need_id) {
    auto id = init_producer_id(*fresh);
    if (!id) return id.error();
    std::lock_guard lock(mu_);
    producer_id_ = id->producer_id;
    producer_epoch_ = id->producer_epoch;
    if (renew_producer_id_) {
      for (auto& [tp, p] : pipelines_) p.next_sequence = 0;
      renew_producer_id_ = false;
    }
  }
  std::shared_ptr<Connection> old;
  {
    std::lock_guard lock(conn_mu_);
    old = std::exchange(conn_, std::move(fresh));
  }
  return Status::ok();  // `old` closes here, outside the locks: its callbacks take mu_
}

Result<std::shared_ptr<Connection>> Sender::connection() {
  auto usable = [this]() -> std::shared_ptr<Connection> {
    {
      std::lock_guard lock(mu_);
      if (renew_producer_id_) return nullptr;
    }
    std::lock_guard lock(conn_mu_);
    return conn_ && conn_->health().is_ok() ? conn_ : nullptr;
  };
  if (auto c = usable()) return c;
  // The application's thread (a topic's metadata) and the sender's may both find it gone: the
  // second waits for the first's connection (and producer id) instead of making its own.
  std::lock_guard connecting(connect_mu_);
  if (auto c = usable()) return c;
  CAIRN_RETURN_IF_ERROR(connect());
  std::lock_guard lock(conn_mu_);
  return conn_;
}

Result<int32_t> Sender::partitions_of(const std::string& topic) {
  {
    std::lock_guard lock(mu_);
    auto it = partition_counts_.find(topic);
    if (it != partition_counts_.end()) return it->second;
  }
  auto c = connection();
  if (!c) return c.error();
  protocol::MetadataRequest req{std::vector<std::string>{topic}, /*create_missing=*/true};
  auto r = (*c)->call<protocol::MetadataRequest, protocol::MetadataResponse>(
      protocol::ApiKey::kMetadata, req, (*c)->metadata_options());
  if (!r) return r.error();
  std::string context = "topic '" + topic + "'";
  auto t = std::ranges::find(r->body.topics, topic, &protocol::TopicMetadata::name);
  if (t == r->body.topics.end()) return missing_entry(context);
  CAIRN_RETURN_IF_ERROR(to_status(t->error, context));
  auto n = static_cast<int32_t>(t->partitions.size());
  if (n == 0) return Status::unavailable(context + " has no partitions yet");
  std::lock_guard lock(mu_);
  partition_counts_[topic] = n;
  return n;
}

}  // namespace cairn::client
