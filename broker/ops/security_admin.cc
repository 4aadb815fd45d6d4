#include "broker/ops/security_admin.h"

#include <optional>

#include "broker/partition.h"
#include "broker/services.h"
#include "broker/shard.h"
#include "storage/partition_log.h"

namespace cairn::broker {

namespace {

using security::kSecurityTopic;

// On the security partition's shard: appends `batch` and waits until it is stored.
awaitable<Status> append_on_owner(BrokerServices& services,
                                  std::shared_ptr<std::vector<std::byte>> batch) {
  Shard& shard = services.shard_for(kSecurityTopic, 0);
  Partition* p = shard.find(kSecurityTopic, 0);
  if (p == nullptr || p->log() == nullptr) {
    co_return Status::unavailable(
        "the security topic is not open: users and ACLs are managed online only on a broker with "
        "--sasl-mechanisms or --authorizer on");
  }
  auto outcome = std::make_shared<std::optional<Status>>();
  auto stored = std::make_shared<Notifier>(shard.executor());
  p->log()->append(*batch, [batch, outcome, stored](const Result<storage::AppendResult>& r) {
    *outcome = r.status();
    stored->notify_all();
  });
  while (!outcome->has_value()) co_await stored->wait();
  co_return **outcome;
}

awaitable<Status> change_on_shard0(BrokerServices& services,
                                   std::vector<security::SecurityChange> changes) {
  co_await services.admin_mutex().lock();
  AsyncLockGuard guard(services.admin_mutex());
  if (services.following()) {
    // Its security records are a copy of the leader's.
    co_return Status::unavailable(
        "this broker follows another: manage users and ACLs on the leader");
  }
  security::SecurityState next = services.security().state();
  for (const auto& change : changes) {
    Status s = next.apply(change);
    if (!s.is_ok()) co_return s;
  }
  auto batch = std::make_shared<std::vector<std::byte>>(
      security::encode_security_batch(changes, system_now()));
  Status stored = co_await run_on(services.shard_for(kSecurityTopic, 0).executor(),
                                  append_on_owner(services, batch));
  if (!stored.is_ok()) co_return stored;
  services.security().publish(next);
  co_return Status::ok();
}

}  // namespace

std::shared_ptr<const security::SecuritySnapshot> SecurityAdmin::current() const {
  return services_.security().current();
}

awaitable<Status> SecurityAdmin::change(std::vector<security::SecurityChange> changes) {
  if (changes.empty()) co_return Status::ok();
  co_return co_await run_on(services_.shard(0).executor(),
                            change_on_shard0(services_, std::move(changes)));
}

}  // namespace cairn::broker
