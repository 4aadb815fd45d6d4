// The broker's TxnHost: state partitions read and appended on the coordinator's shard, markers
// appended on the shards that own their partitions, producer ids from shard 0.
#include "broker/txn_coordinator/txn_host.h"

#include <spdlog/spdlog.h>

#include "broker/group/coordinator.h"
#include "broker/group/offset_log.h"
#include "broker/partition.h"
#include "broker/partition_router.h"
#include "broker/producer_ids.h"
#include "broker/services.h"
#include "storage/log_replay.h"

namespace cairn::broker {

namespace {

using txn::kTransactionStateTopic;

// Appends `batch` to `log` (a marker through the marker path) and resumes once it is stored or
// has failed. Runs on the log's shard.
awaitable<Status> append_and_wait(storage::PartitionLog& log,
                                  std::shared_ptr<std::vector<std::byte>> batch, bool marker) {
  auto ex = co_await asio::this_coro::executor;
  auto result = std::make_shared<std::optional<Status>>();
  auto done = std::make_shared<Notifier>(ex);
  auto callback = [result, done, batch](const Result<storage::AppendResult>& r) {
    *result = r ? Status::ok() : r.error();
    done->notify_all();
  };
  if (marker) {
    log.append_marker(*batch, callback);
  } else {
    log.append(*batch, callback);
  }
  while (!result->has_value()) co_await done->wait();
  co_return **result;
}

// On the shard that owns (topic, partition).
awaitable<Status> append_marker_on(BrokerServices& services, std::string topic, int32_t partition,
                                   std::shared_ptr<std::vector<std::byte>> batch,
                                   int64_t producer_id, protocol::TxnResult result) {
  Shard& shard = services.shard_for(topic, partition);
  auto p = shard.find_online(topic, partition);
  if (!p) co_return p.error();
  Status s = co_await append_and_wait(*(*p)->log(), std::move(batch), true);
  // Looked up again: the partition may have closed meanwhile.
  if (s.is_ok()) {
    if (Partition* still = services.shard_for(topic, partition).find(topic, partition)) {
      still->end_transaction(producer_id);
    }
    // The group coordinator of an offsets partition lives on the partition's shard.
    if (topic == kOffsetsTopic) {
      services.coordinator(shard.id()).transaction_ended(partition, producer_id, result);
    }
  }
  co_return s;
}

// On the shard that owns (topic, partition).
awaitable<bool> add_on(BrokerServices& services, std::string topic, int32_t partition,
                       int64_t producer_id, int16_t epoch) {
  Partition* p = services.shard_for(topic, partition).find(topic, partition);
  if (p != nullptr) p->add_to_transaction(producer_id, epoch);
  co_return p != nullptr;
}

// On `shard`: the open transactions of its partitions and of its group coordinator's offsets
// partitions; nullopt until that coordinator has loaded.
awaitable<std::optional<std::vector<txn::OpenTransaction>>> open_on(BrokerServices& services,
                                                                    Shard& shard) {
  auto offsets = services.coordinator(shard.id()).open_transactions();
  if (!offsets) co_return std::nullopt;
  std::vector<txn::OpenTransaction> out;
  for (const auto& [partition, producer_id] : *offsets) {
    out.push_back({{std::string(kOffsetsTopic), partition}, producer_id, -1});
  }
  for (Partition* p : shard.partitions()) {
    const storage::PartitionLog* log = p->log();
    if (log == nullptr) continue;
    for (const auto& [producer_id, epoch] : log->producer_state().open_producers()) {
      out.push_back({{p->topic(), p->id()}, producer_id, epoch});
    }
  }
  co_return out;
}

// On shard 0, which owns the producer id file.
awaitable<int64_t> next_id_on(BrokerServices& services) {
  Result<int64_t> id = services.producer_ids().next();
  if (!id) {
    spdlog::error("allocating a producer id: {}", id.error().to_string());
    co_return -1;
  }
  co_return *id;
}

class ShardTxnHost final : public TxnHost {
 public:
  ShardTxnHost(BrokerServices& services, Shard& shard) : services_(services), shard_(shard) {}

  Timestamp now() override { return system_now(); }
  int32_t state_partition_count() const override {
    return services_.transaction_state_partitions();
  }
  int32_t offsets_partition_count() const override { return services_.offsets_partitions(); }

  std::vector<int32_t> state_partitions() override {
    std::vector<int32_t> out;
    for (Partition* p : shard_.partitions()) {
      if (p->topic() == kTransactionStateTopic) out.push_back(p->id());
    }
    return out;
  }

  Result<std::vector<txn::TransactionLogRecord>> read_state(int32_t id) override {
    Partition* p = shard_.find(kTransactionStateTopic, id);
    if (p == nullptr) return Status::not_found("no transaction state partition here");
    const storage::PartitionLog* log = p->log();
    if (log == nullptr) return p->offline_reason();
    std::vector<txn::TransactionLogRecord> out;
    CAIRN_RETURN_IF_ERROR(
        storage::replay_log(*log, [&out](const protocol::RecordBatchView& batch) -> Status {
          protocol::RecordReader reader(batch);
          protocol::RecordView rec;
          while (reader.next(rec)) {
            auto record = txn::decode_transaction_record(rec.key, rec.value);
            if (!record) return record.error();
            out.push_back(std::move(*record));
          }
          return reader.status();
        }));
    return out;
  }

  awaitable<Status> append_state(int32_t id,
                                 std::shared_ptr<std::vector<std::byte>> batch) override {
    Partition* p = shard_.find(kTransactionStateTopic, id);
    if (p == nullptr || p->log() == nullptr) {
      co_return Status::unavailable("transaction state partition " + std::to_string(id) +
                                    " is offline");
    }
    co_return co_await append_and_wait(*p->log(), std::move(batch), false);
  }

  Status append_state_queued(int32_t id, std::shared_ptr<std::vector<std::byte>> batch) override {
    Partition* p = shard_.find(kTransactionStateTopic, id);
    if (p == nullptr || p->log() == nullptr) {
      return Status::unavailable("transaction state partition " + std::to_string(id) +
                                 " is offline");
    }
    storage::PartitionLog& log = *p->log();
    CAIRN_RETURN_IF_ERROR(log.write_status());
    log.append(*batch, [batch, id](const Result<storage::AppendResult>& r) {
      if (!r) {
        spdlog::error("transaction state partition {}: a queued state was not stored: {}", id,
                      r.error().to_string());
      }
    });
    return Status::ok();
  }

  awaitable<std::optional<std::vector<txn::OpenTransaction>>> open_transactions() override {
    std::vector<std::pair<asio::any_io_executor,
                          awaitable<std::optional<std::vector<txn::OpenTransaction>>>>>
        tasks;
    for (const auto& shard : services_.shards()) {
      tasks.emplace_back(shard->executor(), open_on(services_, *shard));
    }
    std::vector<txn::OpenTransaction> out;
    for (auto& part : co_await gather(std::move(tasks))) {
      if (!part) co_return std::nullopt;
      out.insert(out.end(), part->begin(), part->end());
    }
    co_return out;
  }

  bool partition_exists(const std::string& topic, int32_t partition) override {
    auto c = services_.topics().find(topic);
    return c && partition >= 0 && partition < c->partitions;
  }

  awaitable<std::vector<Status>> write_markers(std::vector<txn::TxnPartition> partitions,
                                               protocol::MarkerOptions marker) override {
    std::vector<std::pair<asio::any_io_executor, awaitable<Status>>> tasks;
    tasks.reserve(partitions.size());
    for (const auto& tp : partitions) {
      auto batch = std::make_shared<std::vector<std::byte>>(protocol::build_control_batch(marker));
      tasks.emplace_back(services_.shard_for(tp.topic, tp.partition).executor(),
                         append_marker_on(services_, tp.topic, tp.partition, std::move(batch),
                                          marker.producer_id, marker.result));
    }
    co_return co_await gather(std::move(tasks));
  }

  awaitable<void> add_to_transaction(std::vector<txn::TxnPartition> partitions, int64_t producer_id,
                                     int16_t epoch) override {
    std::vector<std::pair<asio::any_io_executor, awaitable<bool>>> tasks;
    tasks.reserve(partitions.size());
    for (const auto& tp : partitions) {
      tasks.emplace_back(services_.shard_for(tp.topic, tp.partition).executor(),
                         add_on(services_, tp.topic, tp.partition, producer_id, epoch));
    }
    co_await gather(std::move(tasks));
  }

  awaitable<int64_t> new_producer_id() override {
    co_return co_await run_on(services_.shard(0).executor(), next_id_on(services_));
  }

 private:
  BrokerServices& services_;
  Shard& shard_;
};

}  // namespace

std::unique_ptr<TxnHost> make_txn_host(BrokerServices& services, Shard& shard) {
  return std::make_unique<ShardTxnHost>(services, shard);
}

}  // namespace cairn::broker
