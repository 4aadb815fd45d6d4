#include "broker/topic_admin.h"

#include <spdlog/spdlog.h>

#include <map>

#include "broker/broker.h"
#include "broker/error_mapping.h"

namespace cairn::broker {

using protocol::ErrorCode;
using protocol::TopicResult;

bool is_valid_topic_name(std::string_view name) {
  return storage::TopicStore::validate_name(name).is_ok();
}

namespace {

// CreateTopics settings: -1 asks for the broker's default; for retention, -2 asks for none.
constexpr int64_t kDefaultSetting = -1;
constexpr int64_t kNoLimit = -2;

}  // namespace

Result<storage::TopicConfig> resolve_topic_config(const protocol::NewTopic& request,
                                                  const storage::TopicConfig& defaults) {
  storage::TopicConfig c = defaults;
  if (request.partitions != kDefaultSetting) c.partitions = request.partitions;
  const auto& s = request.settings;
  auto out_of_range = [](std::string_view field, int64_t value) {
    return Status::invalid_argument(std::string(field) + " " + std::to_string(value) +
                                    " is out of range");
  };
  if (s.segment_bytes != kDefaultSetting) {
    if (s.segment_bytes < 0) return out_of_range("segment bytes", s.segment_bytes);
    c.segment_bytes = static_cast<uint64_t>(s.segment_bytes);
  }
  if (s.segment_ms != kDefaultSetting) {
    if (s.segment_ms <= 0) return out_of_range("segment ms", s.segment_ms);
    c.segment_age = std::chrono::milliseconds(s.segment_ms);
  }
  if (s.retention_bytes == kNoLimit) {
    c.retention_bytes.reset();
  } else if (s.retention_bytes != kDefaultSetting) {
    if (s.retention_bytes < 0) return out_of_range("retention bytes", s.retention_bytes);
    c.retention_bytes = static_cast<uint64_t>(s.retention_bytes);
  }
  if (s.retention_ms == kNoLimit) {
    c.retention_age.reset();
  } else if (s.retention_ms != kDefaultSetting) {
    if (s.retention_ms <= 0) return out_of_range("retention ms", s.retention_ms);
    c.retention_age = std::chrono::milliseconds(s.retention_ms);
  }
  if (!s.durability.empty()) {
    auto d = storage::DurabilityPolicy::parse(s.durability);
    if (!d) return d.error();
    c.durability = *d;
  }
  CAIRN_RETURN_IF_ERROR(c.validate());
  return c;
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

// On a partition's owner shard: opens (creating) each listed partition.
awaitable<int> open_on_shard(Broker& broker, Shard& shard, std::string topic,
                             storage::TopicConfig config, std::vector<int32_t> ids) {
  int failed = 0;
  for (int32_t id : ids) {
    auto log = storage::PartitionLog::open(shard.io(), broker.topic_store().partition_dir(topic, id),
                                           partition_config(broker.config(), topic, config));
    if (!log) {
      ++failed;
      spdlog::error("partition {}-{} could not be opened: {}", topic, id, log.error().to_string());
      shard.add(std::make_unique<Partition>(topic, id, log.error()));
    } else {
      shard.add(std::make_unique<Partition>(topic, id, std::move(*log)));
    }
  }
  co_return failed;
}

// On a partition's owner shard: waits for each listed partition's appends, then drops it.
awaitable<int> close_on_shard(Shard& shard, std::string topic, std::vector<int32_t> ids) {
  for (int32_t id : ids) {
    Partition* p = shard.find(topic, id);
    if (p == nullptr) continue;
    if (p->log()) {
      Notifier flushed(shard.executor());
      bool done = false;
      p->log()->flush([&](Status) {
        done = true;
        flushed.notify_all();
      });
      while (!done) co_await flushed.wait();
    }
    shard.remove(topic, id);
  }
  co_return 0;
}

std::map<unsigned, std::vector<int32_t>> by_shard(Broker& broker, const std::string& topic,
                                                  int32_t partitions) {
  std::map<unsigned, std::vector<int32_t>> out;
  for (int32_t p = 0; p < partitions; ++p) out[broker.shard_for(topic, p).id()].push_back(p);
  return out;
}

awaitable<TopicResult> create_on_shard0(Broker& broker, std::string name,
                                        storage::TopicConfig config) {
  co_await broker.admin_mutex().lock();
  AsyncLockGuard guard(broker.admin_mutex());
  if (broker.shutting_down()) co_return TopicResult{name, ErrorCode::kBrokerShuttingDown, ""};
  if (!is_valid_topic_name(name)) {
    co_return TopicResult{name, ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)};
  }
  if (is_internal_topic(name)) {
    co_return TopicResult{name, ErrorCode::kInvalidTopicName, "names starting with __ are reserved"};
  }
  if (broker.topics().find(name)) {
    co_return TopicResult{name, ErrorCode::kTopicAlreadyExists, "the topic exists"};
  }
  if (Status s = broker.topic_store().create(name, config); !s.is_ok()) {
    spdlog::error("creating topic {}: {}", name, s.to_string());
    co_return TopicResult{name, to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  std::vector<std::pair<asio::any_io_executor, awaitable<int>>> tasks;
  for (auto& [shard, ids] : by_shard(broker, name, config.partitions)) {
    Shard& s = broker.shard(shard);
    tasks.emplace_back(s.executor(), open_on_shard(broker, s, name, config, ids));
  }
  auto failures = co_await gather(std::move(tasks));
  // Visible only now that every partition is open. (The admin mutex keeps a second create of
  // the same name out meanwhile, and an auto-creating produce waits for this one.)
  broker.topics().set(name, config);
  int failed = 0;
  for (int f : failures) failed += f;
  spdlog::info("created topic {} ({} partitions, durability {})", name, config.partitions,
               config.durability.to_string());
  if (failed > 0) {
    co_return TopicResult{name, ErrorCode::kStorageError,
                          std::to_string(failed) + " partitions could not be opened; see the broker log"};
  }
  co_return TopicResult{name, ErrorCode::kNone, ""};
}

awaitable<TopicResult> delete_on_shard0(Broker& broker, std::string name) {
  co_await broker.admin_mutex().lock();
  AsyncLockGuard guard(broker.admin_mutex());
  // The stop closes every partition; a delete would close them too, under its feet.
  if (broker.shutting_down()) co_return TopicResult{name, ErrorCode::kBrokerShuttingDown, ""};
  if (!is_valid_topic_name(name)) {
    co_return TopicResult{name, ErrorCode::kInvalidTopicName, std::string(kTopicNameRule)};
  }
  if (is_internal_topic(name)) {
    co_return TopicResult{name, ErrorCode::kInvalidTopicName, "internal topics cannot be deleted"};
  }
  auto config = broker.topics().find(name);
  if (!config) {
    co_return TopicResult{name, ErrorCode::kUnknownTopicOrPartition, "the topic does not exist"};
  }
  broker.topics().erase(name);
  std::vector<std::pair<asio::any_io_executor, awaitable<int>>> tasks;
  for (auto& [shard, ids] : by_shard(broker, name, config->partitions)) {
    Shard& s = broker.shard(shard);
    tasks.emplace_back(s.executor(), close_on_shard(s, name, ids));
  }
  co_await gather(std::move(tasks));
  if (Status s = broker.topic_store().remove(name); !s.is_ok()) {
    spdlog::error("deleting topic {}: {}", name, s.to_string());
    co_return TopicResult{name, to_error_code(s, ErrorSubject::kTopic), s.message()};
  }
  spdlog::info("deleted topic {}", name);
  co_return TopicResult{name, ErrorCode::kNone, ""};
}

}  // namespace

awaitable<TopicResult> create_topic(Broker& broker, std::string name, storage::TopicConfig config) {
  co_return co_await run_on(broker.shard(0).executor(),
                            create_on_shard0(broker, std::move(name), std::move(config)));
}

awaitable<TopicResult> delete_topic(Broker& broker, std::string name) {
  co_return co_await run_on(broker.shard(0).executor(), delete_on_shard0(broker, std::move(name)));
}

bool is_internal_topic(std::string_view name) { return name.starts_with("__"); }

awaitable<bool> ensure_topic(Broker& broker, std::string name) {
  if (!is_valid_topic_name(name)) co_return false;
  if (broker.topics().find(name)) co_return true;
  if (is_internal_topic(name)) co_return false;
  if (!broker.config().auto_create_topics) co_return false;
  auto result = co_await create_topic(broker, name, broker.config().topic_defaults);
  co_return result.error == ErrorCode::kNone || result.error == ErrorCode::kTopicAlreadyExists;
}

}  // namespace cairn::broker
