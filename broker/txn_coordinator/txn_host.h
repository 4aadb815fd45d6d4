#pragma once

// TxnHost: what a TxnCoordinator needs from the broker around it: the clock, its shard's
// `__transaction_state` partitions (read at load, appended to), the partitions a transaction
// names (whether they exist, and their markers, written on the shards that own them) and new
// producer ids. make_txn_host() gives the broker's implementation over its services; tests
// supply their own. Owned by the coordinator and used on its shard's thread only.

#include "broker/async.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "broker/txn/transaction_log_record.h"
#include "protocol/control_record.h"
#include "protocol/status.h"
#include "protocol/types.h"

namespace cairn::broker {

class BrokerServices;
class Shard;

class TxnHost {
 public:
  virtual ~TxnHost() = default;

  virtual Timestamp now() = 0;
  // How many partitions `__transaction_state` and `__consumer_offsets` have in all.
  virtual int32_t state_partition_count() const = 0;
  virtual int32_t offsets_partition_count() const = 0;
  // The `__transaction_state` partitions this shard owns, online or offline.
  virtual std::vector<int32_t> state_partitions() = 0;
  // Every record of state partition `id`, in log order. Errors: the partition is offline, or a
  // batch or record cannot be read.
  virtual Result<std::vector<txn::TransactionLogRecord>> read_state(int32_t id) = 0;
  // Appends `batch` to state partition `id`; resumes once it is stored (synced per the topic's
  // policy) or has failed.
  virtual awaitable<Status> append_state(int32_t id,
                                         std::shared_ptr<std::vector<std::byte>> batch) = 0;
  // Queues `batch` to state partition `id` without waiting for it to be stored: it is synced
  // with the partition's next group and stored before anything appended after it. An error when
  // the partition refuses it now; a later failure is logged, and the partition then refuses every
  // append (so no later state is stored after a lost one).
  virtual Status append_state_queued(int32_t id, std::shared_ptr<std::vector<std::byte>> batch) = 0;
  // Every transaction the broker's partitions hold open: a data partition's transactional
  // batches that no marker closed yet (with their epoch), and an offsets partition's stored
  // transactional commits waiting for their marker (epoch -1: the offsets log does not keep it).
  // nullopt while a shard's group coordinator has not loaded its offsets partitions yet.
  virtual awaitable<std::optional<std::vector<txn::OpenTransaction>>> open_transactions() = 0;
  // Whether the broker has partition `partition` of `topic`.
  virtual bool partition_exists(const std::string& topic, int32_t partition) = 0;
  // Tells each of `partitions`, on the shard that owns it, that the producer's open transaction
  // at `epoch` includes it, so that it takes the producer's transactional batches; resumes once
  // all were told.
  virtual awaitable<void> add_to_transaction(std::vector<txn::TxnPartition> partitions,
                                             int64_t producer_id, int16_t epoch) = 0;
  // Appends a control batch of `marker` to each of `partitions`, each on the shard that owns
  // it, all at once; one status per partition, in order, once every append is done. A stored
  // marker ends the producer's transaction in its partition.
  virtual awaitable<std::vector<Status>> write_markers(std::vector<txn::TxnPartition> partitions,
                                                       protocol::MarkerOptions marker) = 0;
  // A new producer id, unique across restarts; -1 when none could be recorded (logged).
  virtual awaitable<int64_t> new_producer_id() = 0;
};

// The broker's host for the transaction coordinator of `shard`.
std::unique_ptr<TxnHost> make_txn_host(BrokerServices& services, Shard& shard);

}  // namespace cairn::broker
