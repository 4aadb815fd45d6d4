// Promote and OffsetForLeaderEpoch: a follower becomes the leader, with a new leader epoch on
// every partition; a leader says where an epoch of each partition ended, so that a returning
// former leader can cut the tail it wrote that nobody followed.
#include <algorithm>

#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/replication/internal_topics.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

// How often a partition with appends in flight is tried again for its new epoch.
constexpr auto kBusyRetry = std::chrono::milliseconds(10);

struct ShardPromotion {
  int32_t partitions = 0;
  int32_t leader_epoch = -1;
  std::string failure;  // the first partition that could not start its epoch, and why
};

// On one shard: every online partition starts the epoch after its latest, once its appends in
// flight (the last replica appends) are written, and forgets its replication state; then the
// shard's group coordinator loads the committed offsets copied from the leader.
awaitable<ShardPromotion> promote_shard(BrokerServices& services, Shard& shard) {
  ShardPromotion out;
  asio::steady_timer timer(shard.context());
  std::vector<std::pair<std::string, int32_t>> keys;
  for (Partition* p : shard.partitions()) keys.emplace_back(p->topic(), p->id());
  for (const auto& [topic, id] : keys) {
    for (;;) {
      // Looked up again after every wait: the topic may be gone.
      auto partition = shard.find_online(topic, id);
      if (!partition) break;
      storage::PartitionLog& log = *(*partition)->log();
      int32_t epoch = log.leader_epochs().latest_epoch().value_or(log.leader_epoch()) + 1;
      Status s = log.set_leader_epoch(epoch);
      if (s.is_ok()) {
        (*partition)->replica().reset();
        ++out.partitions;
        out.leader_epoch = std::max(out.leader_epoch, epoch);
        break;
      }
      if (!s.is_unavailable() || !log.write_status().is_ok()) {
        if (out.failure.empty())
          out.failure = topic + "-" + std::to_string(id) + ": " + s.message();
        break;
      }
      timer.expires_after(kBusyRetry);
      boost::system::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
  }
  load_group_offsets(services, shard);
  co_return out;
}

}  // namespace

awaitable<PromoteOutcome> Operations::promote() {
  PromoteOutcome out;
  if (!services_.try_begin_promotion()) {
    out.error = ErrorCode::kInvalidRequest;
    out.message = "this broker is not a follower: it leads already";
    co_return out;
  }
  std::vector<std::pair<asio::any_io_executor, awaitable<ShardPromotion>>> tasks;
  for (const auto& shard : services_.shards()) {
    tasks.emplace_back(shard->executor(), promote_shard(services_, *shard));
  }
  auto results = co_await gather(std::move(tasks));
  for (const ShardPromotion& r : results) {
    out.partitions += r.partitions;
    out.leader_epoch = std::max(out.leader_epoch, r.leader_epoch);
    if (!r.failure.empty() && out.message.empty()) out.message = r.failure;
  }
  // The users and ACLs copied last, should a copy have landed after the follower's last reload.
  if (Status reloaded = co_await reload_security(services_); !reloaded.is_ok()) {
    if (out.message.empty()) out.message = reloaded.to_string();
  }
  // Produce is taken from here on, stamped with the new epochs.
  services_.finish_promotion();
  co_return out;
}

awaitable<std::vector<EpochAnswer>> Operations::epoch_ends(std::span<const EpochQuery> queries) {
  std::vector<EpochAnswer> out(queries.size());
  if (services_.following()) {
    for (EpochAnswer& a : out) a.error = ErrorCode::kNotLeader;
    co_return out;
  }
  PartitionRouter router(services_.shards());
  for (size_t i = 0; i < queries.size(); ++i) {
    router.add(i, queries[i].topic, queries[i].partition);
  }
  auto answer = [queries](Shard& shard, size_t i) {
    EpochAnswer a;
    auto partition = shard.find_online(queries[i].topic, queries[i].partition);
    if (!partition) {
      a.error = to_error_code(partition.error(), ErrorSubject::kPartition);
      return a;
    }
    storage::EpochEnd end = (*partition)->log()->end_offset_for_epoch(queries[i].leader_epoch);
    a.leader_epoch = end.epoch;
    a.end_offset = end.end_offset.value();
    return a;
  };
  co_await router.for_each(out, answer);
  co_return out;
}

}  // namespace cairn::broker
