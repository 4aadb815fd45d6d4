#pragma once

// What the transaction coordinator knows of one transactional id (protocol/PROTOCOL.md,
// "Transactions"): its producer id and epoch, its state, and the open transaction's partitions.
// One value of this type is one record of `__transaction_state` (storage/FORMAT.md,
// "Transaction state"). Plain data, no I/O.

#include <chrono>
#include <compare>
#include <optional>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "protocol/types.h"

namespace cairn::broker::txn {

// The states of a transactional id, numbered as stored.
enum class TxnState : uint8_t {
  kEmpty = 0,
  kOngoing = 1,
  kPrepareCommit = 2,
  kPrepareAbort = 3,
  kCompleteCommit = 4,
  kCompleteAbort = 5,
};
inline constexpr uint8_t kMaxTxnState = 5;

// "Empty", "Ongoing", ...: the names DescribeTransactions answers.
std::string_view state_name(TxnState state);

// Whether a transactional id may go from `from` to `to` (the transition table of PROTOCOL.md).
bool is_legal_transition(TxnState from, TxnState to);

// The states with an open transaction: it has partitions and a start time.
inline bool has_open_transaction(TxnState s) {
  return s == TxnState::kOngoing || s == TxnState::kPrepareCommit || s == TxnState::kPrepareAbort;
}

struct TxnPartition {
  std::string topic;
  int32_t partition = 0;

  auto operator<=>(const TxnPartition&) const = default;
};

// A transaction a partition holds open (TxnHost::open_transactions()).
struct OpenTransaction {
  TxnPartition partition;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;  // -1: not known (an offsets partition's transactional commit)
};

struct TransactionMetadata {
  std::string transactional_id;
  int64_t producer_id = -1;
  int16_t producer_epoch = -1;
  TxnState state = TxnState::kEmpty;
  std::chrono::milliseconds timeout{0};
  std::set<TxnPartition> partitions;    // of the open transaction; empty when none is open
  std::optional<Timestamp> start_time;  // when the open transaction began
  Timestamp last_update;

  bool operator==(const TransactionMetadata&) const = default;
};

}  // namespace cairn::broker::txn
