// The broker's own topics on a follower and at a promotion (internal_topics.h).
#include "broker/replication/internal_topics.h"

#include <spdlog/spdlog.h>

#include "broker/group/coordinator.h"
#include "broker/txn_coordinator/coordinator.h"
#include "broker/ops/topic_admin.h"
#include "broker/partition.h"
#include "broker/security/security_log.h"
#include "broker/security/security_snapshot.h"
#include "broker/services.h"
#include "broker/shard.h"
#include "storage/partition_log.h"

namespace cairn::broker {

using security::kSecurityTopic;

std::vector<std::pair<std::string, int32_t>> internal_partitions(BrokerServices& services) {
  std::vector<std::pair<std::string, int32_t>> out;
  for (const auto& [name, config] : services.topics().snapshot()) {
    if (!is_internal_topic(name)) continue;
    for (int32_t p = 0; p < config.partitions; ++p) out.emplace_back(name, p);
  }
  return out;
}

bool is_security_topic(std::string_view topic) { return topic == kSecurityTopic; }

namespace {

struct Replayed {
  bool open = false;
  Result<security::SecurityState> state = security::SecurityState{};
};

// On the security partition's shard.
awaitable<Replayed> replay_on_owner(BrokerServices& services) {
  Replayed out;
  auto partition = services.shard_for(kSecurityTopic, 0).find_online(kSecurityTopic, 0);
  if (!partition) co_return out;
  out.open = true;
  security::SecurityState state;
  Status replayed = security::replay_security_log(*(*partition)->log(), state);
  if (!replayed.is_ok()) {
    out.state = replayed;
  } else {
    out.state = std::move(state);
  }
  co_return out;
}

awaitable<Status> reload_on_shard0(BrokerServices& services) {
  co_await services.admin_mutex().lock();
  AsyncLockGuard guard(services.admin_mutex());
  Replayed replayed =
      co_await run_on(services.shard_for(kSecurityTopic, 0).executor(), replay_on_owner(services));
  if (!replayed.open) co_return Status::ok();
  if (!replayed.state) co_return replayed.state.error().with_context("the security topic");
  services.security().publish(*replayed.state);
  co_return Status::ok();
}

}  // namespace

awaitable<Status> reload_security(BrokerServices& services) {
  co_return co_await run_on(services.shard(0).executor(), reload_on_shard0(services));
}

void load_group_offsets(BrokerServices& services, Shard& shard) {
  services.coordinator(shard.id()).load();
  services.txn_coordinator(shard.id()).load();
}

}  // namespace cairn::broker
