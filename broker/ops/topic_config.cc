// A topic's settings, read and changed (Operations::topic_config): on shard 0 under the admin
// lock, which owns topic.conf; each partition takes the new settings on its owner shard.
#include <spdlog/spdlog.h>

#include "broker/error_mapping.h"
#include "broker/ops/operations.h"
#include "broker/partition_router.h"
#include "broker/services.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

using Changes = std::vector<std::pair<std::string, std::string>>;

TopicSettingsOutcome refused(ErrorCode error, std::string message) {
  TopicSettingsOutcome out;
  out.error = error;
  out.message = std::move(message);
  return out;
}

// `config` with `changes` applied and validated, or the refusal: INVALID_CONFIG naming the key,
// INVALID_PARTITIONS for a partition count that does not grow or is over the limit.
Result<storage::TopicConfig> changed_config(storage::TopicConfig config, const Changes& changes,
                                            ErrorCode& error) {
  const int32_t before = config.partitions;
  error = ErrorCode::kInvalidConfig;
  for (const auto& [key, value] : changes) {
    Status s = config.set(key, value);
    if (s.is_not_found()) return Status::invalid_argument(s.message());
    if (!s.is_ok() && key == "partitions") error = ErrorCode::kInvalidPartitions;
    CAIRN_RETURN_IF_ERROR(s);
  }
  if (config.partitions != before) {
    error = ErrorCode::kInvalidPartitions;
    if (config.partitions < before) {
      return Status::invalid_argument("partitions can only grow: the topic has " +
                                      std::to_string(before));
    }
    CAIRN_RETURN_IF_ERROR(check_partition_count(config.partitions));
    error = ErrorCode::kInvalidConfig;
  }
  CAIRN_RETURN_IF_ERROR(config.validate());
  return config;
}

awaitable<TopicSettingsOutcome> topic_config_on_shard0(BrokerServices& services, std::string name,
                                                       Changes changes) {
  co_await services.admin_mutex().lock();
  AsyncLockGuard guard(services.admin_mutex());
  auto current = services.topics().find(name);
  if (!current) co_return refused(ErrorCode::kUnknownTopicOrPartition, "the topic does not exist");
  ErrorCode refusal = ErrorCode::kInvalidConfig;
  auto config = changed_config(*current, changes, refusal);
  if (!config) co_return refused(refusal, config.error().message());
  if (!changes.empty()) {
    if (services.shutting_down()) co_return refused(ErrorCode::kBrokerShuttingDown, "");
    if (Status s = services.topic_store().alter(name, *config); !s.is_ok()) {
      spdlog::error("changing the settings of topic {}: {}", name, s.to_string());
      co_return refused(to_error_code(s, ErrorSubject::kTopic), s.message());
    }
    // New partitions are opened before the topic shows them (as at creation).
    if (config->partitions > current->partitions) {
      co_await open_partitions(services, name, *config, current->partitions);
      spdlog::info("topic {}: partitions grown from {} to {}", name, current->partitions,
                   config->partitions);
    }
    services.topics().set(name, *config);
    spdlog::info("topic {}: settings changed ({} keys)", name, changes.size());
  }
  storage::PartitionConfig partition = partition_config(services.config(), name, *config);
  bool apply = !changes.empty();
  PartitionRouter router(services.shards());
  for (int32_t p = 0; p < config->partitions; ++p) router.add(static_cast<size_t>(p), name, p);
  std::vector<TopicSettingsOutcome::Compaction> states(static_cast<size_t>(config->partitions));
  auto work = [&name, &partition, apply](Shard& shard, size_t index) {
    auto id = static_cast<int32_t>(index);
    TopicSettingsOutcome::Compaction state{id, 0, 0};
    Partition* p = shard.find(name, id);
    if (p == nullptr || p->log() == nullptr) return state;
    if (apply) {
      if (Status s = p->log()->apply_settings(partition); !s.is_ok()) {
        spdlog::error("{}-{}: new settings not taken: {}", name, id, s.to_string());
      }
    }
    state.dirty_ratio = p->log()->dirty_ratio();
    state.cleaner_checkpoint = p->log()->cleaner_checkpoint().value();
    return state;
  };
  co_await router.for_each(states, work);
  TopicSettingsOutcome out;
  out.settings = config->entries();
  out.partitions = std::move(states);
  co_return out;
}

}  // namespace

awaitable<TopicSettingsOutcome> Operations::topic_config(std::string name, Changes changes) {
  if (!is_valid_topic_name(name)) {
    co_return refused(ErrorCode::kInvalidTopicName, std::string(kTopicNameRule));
  }
  if (is_internal_topic(name)) {
    co_return refused(ErrorCode::kInvalidTopicName, "the broker's own topics keep their settings");
  }
  co_return co_await run_on(services_.shard(0).executor(),
                            topic_config_on_shard0(services_, std::move(name), std::move(changes)));
}

}  // namespace cairn::broker
