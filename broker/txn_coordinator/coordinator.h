#pragma once

// TxnCoordinator: the transactional ids whose `__transaction_state` partition this shard owns
// (protocol/PROTOCOL.md, "Transactions"). One per shard, used only on that shard's thread; it
// reaches the broker through a TxnHost (txn_host.h). Each partition's decisions are made by a
// TransactionStateMachine (broker/txn); this class stores them: every new state is appended to
// the partition (synced: the topic's policy is `always`) before it is applied and answered.
//
// An EndTxn (or an abort the coordinator starts) stores the Prepare state, writes a marker into
// every partition of the transaction and stores the Complete state once every marker is stored.
// EndTxn is answered once the Prepare state is stored (the outcome is decided and durable, as in
// Kafka); the markers follow, and a request for the same id that arrives meanwhile waits for them
// rather than being answered CONCURRENT_TRANSACTIONS. The Complete state is applied once the
// markers are stored but stored lazily: in the same batch as the id's next state (one sync, not
// two), or by the housekeeping after a tick if none comes. Until then a restart finds the
// Prepare state and writes its markers again, which changes nothing.
// A Prepare state whose markers could not all be written (a partition offline, a restart) is
// finished again by the housekeeping timer, every 100 ms, as is a transaction past its timeout
// (aborted with its epoch bumped) and an id idle past the expiry (forgotten).
//
// A change within an Ongoing transaction (an AddPartitionsToTxn or AddOffsetsToTxn after its
// first) is answered once queued, before it is synced: the transaction's first state was synced,
// and the later states are stored in log order behind it. A crash may lose such a change while a
// partition kept what the producer wrote there; the load finds it again (recover_open()).
//
// At load the partitions are replayed and, when a transaction is Ongoing, the partitions the
// broker holds open transactions in are asked which of them its stored state misses, and each
// of its partitions is told again that it is in the transaction (so that it survives the
// restart); until then their ids answer COORDINATOR_LOAD_IN_PROGRESS, and those of a partition
// that cannot be replayed COORDINATOR_NOT_AVAILABLE.

#include "broker/async.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "broker/txn/transaction_state_machine.h"
#include "broker/txn_coordinator/txn_host.h"
#include "protocol/messages/transactions.h"

namespace cairn::broker {

struct TxnInitResult {
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
};

// What ListTransactions asks: states by name and producer ids (each: any when empty), and
// transactions open longer than `min_duration_ms` (-1: any, also those with none open).
struct TxnListFilter {
  std::vector<std::string> states;
  std::vector<int64_t> producer_ids;
  int64_t min_duration_ms = -1;
};

struct TxnListing {
  std::string transactional_id;
  int64_t producer_id = -1;
  std::string state;
};

struct TxnListResult {
  // COORDINATOR_LOAD_IN_PROGRESS while a partition is replayed (the listing is then partial).
  protocol::ErrorCode error = protocol::ErrorCode::kNone;
  std::vector<TxnListing> transactions;
};

class TxnCoordinator {
 public:
  TxnCoordinator(std::unique_ptr<TxnHost> host, txn::TxnLimits limits,
                 asio::any_io_executor executor);
  ~TxnCoordinator();

  // Replays this shard's state partitions.
  void load();
  // Starts the housekeeping timer.
  void start();
  // One housekeeping pass: finishes Prepare states, aborts timed-out transactions, forgets idle
  // ids.
  void housekeep();
  // Nothing more is stored; requests answer COORDINATOR_NOT_AVAILABLE.
  void stop();

  awaitable<TxnInitResult> init_producer_id(txn::InitProducerIdArgs args);
  // One error for the whole request (PROTOCOL.md: all or nothing) or, when some partition does
  // not exist, UNKNOWN_TOPIC_OR_PARTITION for those and INVALID_TXN_STATE for the others.
  awaitable<std::vector<protocol::ErrorCode>> add_partitions(
      protocol::TxnProducer producer, std::vector<txn::TxnPartition> partitions);
  awaitable<protocol::ErrorCode> add_offsets(protocol::TxnProducer producer, std::string group_id);
  // Whether `producer` may commit offsets of `group_id` in its open transaction (TxnOffsetCommit):
  // NONE once AddOffsetsToTxn added the group's offsets partition to it.
  protocol::ErrorCode check_offsets(const protocol::TxnProducer& producer,
                                    const std::string& group_id);
  // Whether each of `partitions` is in the producer's open transaction, changing nothing
  // (Kafka's verify-only AddPartitionsToTxn): NONE or INVALID_TXN_STATE each; the producer
  // checks' error, or CONCURRENT_TRANSACTIONS while it ends, for all.
  std::vector<protocol::ErrorCode> verify_partitions(
      const protocol::TxnProducer& producer, const std::vector<txn::TxnPartition>& partitions);
  awaitable<protocol::EndTxnResponse> end_txn(protocol::TxnProducer producer,
                                              protocol::TxnResult result);
  protocol::TransactionDescription describe(const std::string& transactional_id) const;
  // The ids of this shard's loaded partitions that pass `filter`, by transactional id.
  TxnListResult list(const TxnListFilter& filter) const;

  // The state machine of a loaded partition (for tests and describe); null otherwise.
  const txn::TransactionStateMachine* machine(int32_t partition) const;

 private:
  struct PartitionState {
    explicit PartitionState(txn::TxnLimits limits) : machine(limits) {}
    bool loaded = false;
    Status load_error;  // why it could not be replayed
    txn::TransactionStateMachine machine;
    // Prepare states whose markers are being written, and Complete states being stored alone.
    std::set<std::string> finishing;
    // Complete states applied but not stored yet, with when they were applied.
    std::map<std::string, Timestamp> unstored;
  };

  int32_t partition_of(std::string_view transactional_id) const;
  // The loaded partition of `transactional_id`; null with `error` set to the answer otherwise.
  PartitionState* partition_for(std::string_view transactional_id, protocol::ErrorCode& error);
  // Stores a decision's record and applies it; false (and the id freed) when it could not be
  // stored.
  awaitable<bool> store(int32_t partition, txn::TransactionLogRecord record);
  // Queues a decision's record (stored behind everything queued before it) and applies it at
  // once; false (and the id freed) when the partition refuses it.
  bool store_queued(int32_t partition, const txn::TransactionLogRecord& record);
  // Adds to the Ongoing transactions of `partitions` (replayed, not loaded yet) the partitions
  // that hold them open, tells every partition of each which producer it is in a transaction
  // with, then makes them loaded.
  static awaitable<void> recover_open(TxnCoordinator* self, std::vector<int32_t> partitions);
  // Writes the markers of `transactional_id`'s Prepare state and stores its Complete state.
  // NONE once complete.
  awaitable<protocol::ErrorCode> finish(int32_t partition, std::string transactional_id);
  // finish() of an id already marked finishing: writes the markers, stores the Complete state,
  // then unmarks it and wakes the requests waiting for it.
  awaitable<protocol::ErrorCode> complete(int32_t partition, std::string transactional_id);
  static awaitable<void> complete_detached(TxnCoordinator* self, int32_t partition,
                                           std::string transactional_id);
  // Stores the Complete state of `transactional_id` that nothing stored with its next state.
  static awaitable<void> store_completed(TxnCoordinator* self, int32_t partition,
                                         std::string transactional_id);
  // Resumes once `transactional_id`'s markers are no longer being written (at once if they are
  // not), so that a request that follows an EndTxn sees its transaction complete.
  awaitable<void> settle(PartitionState& ps, const std::string& transactional_id);
  static awaitable<void> finish_detached(TxnCoordinator* self, int32_t partition,
                                         std::string transactional_id);
  // Stores `record`, then finishes it if it is a Prepare state.
  static awaitable<void> store_detached(TxnCoordinator* self, int32_t partition,
                                        txn::TransactionLogRecord record);
  void tick();

  std::unique_ptr<TxnHost> host_;
  txn::TxnLimits limits_;
  asio::any_io_executor executor_;
  bool stopped_ = false;
  std::map<int32_t, std::unique_ptr<PartitionState>> partitions_;
  std::unique_ptr<asio::steady_timer> timer_;
  std::unique_ptr<Notifier> settled_;  // notified whenever an id stops finishing
};

}  // namespace cairn::broker
