// Creating and deleting topics, on shard 0 under the admin lock; the partitions are opened or
// closed on the shards that own them, all at once.
#include "broker/ops/topic_admin.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "broker/broker_metrics.h"
#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/security/security_log.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

bool is_valid_topic_name(std::string_view name) {
  return storage::TopicStore::validate_name(name).is_ok();
}

bool is_internal_topic(std::string_view name) { return name.starts_with("__"); }

bool is_hidden_topic(std::string_view name) { return name == security::kSecurityTopic; }

Status check_partition_count(int32_t partitions) {
  if (partitions >= 1 && partitions <= storage::kMaxPartitions) return Status::ok();
  return Status::invalid_argument("partitions must be between 1 and " +
                                  std::to_string(storage::kMaxPartitions));
}

storage::PartitionConfig partition_config(const BrokerConfig& broker, std::string_view topic,
                                          const storage::TopicConfig& config) {
  storage::PartitionConfig c = config.partition_config();
  // Client batches are checked against --max-batch-bytes before they are appended; internal
  // topics keep the storage default for the batches the broker writes itself.
  if (!is_internal_topic(topic)) c.max_batch_bytes = broker.limits.max_batch_bytes;
  return c;
}

namespace {

// A topic's partitions, routed to their owner shards (entry i is partition i).
PartitionRouter route_partitions(BrokerServices& services, std::string_view topic, int32_t count) {
  PartitionRouter router(services.shards());
  for (int32_t p = 0; p < count; ++p) router.add(static_cast<size_t>(p), topic, p);
  return router;
}

// On a partition's owner shard: opens (creating) it. When it cannot be opened it is added
// offline, and the error returned.
Status open_partition(BrokerServices& services, Shard& shard, const std::string& topic,
                      const storage::TopicConfig& config, const std::filesystem::path& dir,
                      int32_t id) {
  auto log = storage::PartitionLog::open(shard.io(), dir,
                                         partition_config(services.config(), topic, config));
  if (!log) {
    spdlog::error("partition {}-{} could not be opened: {}", topic, id, log.error().to_string());
    shard.add(std::make_unique<Partition>(topic, id, log.error()));
    return log.error();
  }
  shard.add(std::make_unique<Partition>(topic, id, std::move(*log)));
  return Status::ok();
}

// On a partition's owner shard: waits for its appends, then drops it. Returns how the flush
// went.
awaitable<std::vector<Status>> close_on_shard(Shard& shard, std::string topic,
                                              std::span<const size_t> ids) {
  std::vector<Status> out(ids.size());
  for (size_t k = 0; k < ids.size(); ++k) {
    auto partition = static_cast<int32_t>(ids[k]);
    Partition* p = shard.find(topic, partition);
    if (p == nullptr) continue;
    if (p->log()) {
      Notifier flushed(shard.executor());
      std::optional<Status> result;
      p->log()->flush([&](Status s) {
        result = std::move(s);
        flushed.notify_all();
      });
      while (!result) co_await flushed.wait();
      out[k] = std::move(*result);
    }
    shard.remove(topic, partition);
  }
  co_return out;
}

awaitable<TopicOutcome> create_on_shard0(BrokerServices& services, std::string name,
                                         storage::TopicConfig config) {
  co_await services.admin_mutex().lock();
  AsyncLockGuard guard(services.admin_mutex());
  if (services.shutting_down()) co_return TopicOutcome{ErrorCode::kBrokerShuttingDown, ""};
  if (!is_valid_topic_name(name)) {
    co_return TopicOutcome{ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)};
  }
  if (is_internal_topic(name)) {
    co_return TopicOutcome{ErrorCode::kInvalidTopicName, "names starting with __ are reserved"};
  }
  if (services.topics().find(name)) {
    co_return TopicOutcome{ErrorCode::kTopicAlreadyExists, "the topic exists"};
  }
  if (Status s = services.topic_store().create(name, config); !s.is_ok()) {
    spdlog::error("creating topic {}: {}", name, s.to_string());
    co_return TopicOutcome{to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  size_t failed = co_await open_partitions(services, name, config, 0);
  // Visible only now that every partition is open. (The admin lock keeps a second create of
  // the same name out meanwhile, and an auto-creating produce waits for this one.)
  services.topics().set(name, config);
  spdlog::info("created topic {} ({} partition{}, durability {})", name, config.partitions,
               config.partitions == 1 ? "" : "s", config.durability.to_string());
  if (failed > 0) {
    Status s = Status::io_error(std::to_string(failed) +
                                " partitions could not be opened; see the broker log");
    co_return TopicOutcome{to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  co_return TopicOutcome{};
}

awaitable<TopicOutcome> delete_on_shard0(BrokerServices& services, std::string name) {
  co_await services.admin_mutex().lock();
  AsyncLockGuard guard(services.admin_mutex());
  // The stop closes every partition; a delete would close them too, under its feet.
  if (services.shutting_down()) co_return TopicOutcome{ErrorCode::kBrokerShuttingDown, ""};
  if (!is_valid_topic_name(name)) {
    co_return TopicOutcome{ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)};
  }
  if (is_internal_topic(name)) {
    co_return TopicOutcome{ErrorCode::kInvalidTopicName, "internal topics cannot be deleted"};
  }
  auto config = services.topics().find(name);
  if (!config) {
    co_return TopicOutcome{ErrorCode::kUnknownTopicOrPartition, "the topic does not exist"};
  }
  services.topics().erase(name);
  std::vector<Status> flushed(static_cast<size_t>(config->partitions));
  PartitionRouter router = route_partitions(services, name, config->partitions);
  co_await router.run(flushed, [&name](Shard& shard, std::span<const size_t> ids) {
    return close_on_shard(shard, name, ids);
  });
  for (size_t p = 0; p < flushed.size(); ++p) {
    // The topic's files go next: nothing unflushed in them is read again.
    if (!flushed[p].is_ok()) {
      spdlog::warn("{}-{}: flush before deleting failed ({}); deleting anyway", name, p,
                   flushed[p].to_string());
    }
  }
  if (Status s = services.topic_store().remove(name); !s.is_ok()) {
    spdlog::error("deleting topic {}: {}", name, s.to_string());
    co_return TopicOutcome{to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  services.metrics().remove_topic(name);
  spdlog::info("deleted topic {}", name);
  co_return TopicOutcome{};
}

}  // namespace

awaitable<size_t> open_partitions(BrokerServices& services, const std::string& name,
                                  const storage::TopicConfig& config, int32_t from) {
  PartitionRouter router(services.shards());
  std::vector<std::filesystem::path> dirs;
  for (int32_t p = from; p < config.partitions; ++p) {
    router.add(dirs.size(), name, p);
    dirs.push_back(services.topic_store().partition_dir(name, p));
  }
  std::vector<Status> opened(dirs.size());
  co_await router.for_each(opened, [&](Shard& shard, size_t k) {
    return open_partition(services, shard, name, config, dirs[k], from + static_cast<int32_t>(k));
  });
  co_return static_cast<size_t>(
      std::count_if(opened.begin(), opened.end(), [](const Status& s) { return !s.is_ok(); }));
}

awaitable<TopicOutcome> Operations::create_topic(std::string name, storage::TopicConfig config) {
  BrokerServices::AdminInFlight in_flight(services_);
  if (Status s = check_partition_count(config.partitions); !s.is_ok()) {
    co_return TopicOutcome{to_error_code(s, ErrorSubject::kPartitionCount), s.message()};
  }
  if (Status s = config.validate(); !s.is_ok()) {
    co_return TopicOutcome{to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  co_return co_await run_on(services_.shard(0).executor(),
                            create_on_shard0(services_, std::move(name), config));
}

awaitable<TopicOutcome> Operations::delete_topic(std::string name) {
  BrokerServices::AdminInFlight in_flight(services_);
  co_return co_await run_on(services_.shard(0).executor(),
                            delete_on_shard0(services_, std::move(name)));
}

awaitable<bool> ensure_topic(BrokerServices& services, std::string name) {
  if (!is_valid_topic_name(name)) co_return false;
  if (services.topics().find(name)) co_return true;
  if (is_internal_topic(name)) co_return false;
  if (!services.config().auto_create_topics) co_return false;
  BrokerServices::AdminInFlight in_flight(services);
  auto result = co_await run_on(services.shard(0).executor(),
                                create_on_shard0(services, name, services.config().topic_defaults));
  co_return result.error == ErrorCode::kNone || result.error == ErrorCode::kTopicAlreadyExists;
}

}  // namespace cairn::broker
