#include "broker/txn/transaction_state.h"

namespace cairn::broker::txn {

std::string_view state_name(TxnState state) {
  switch (state) {
    case TxnState::kEmpty: return "Empty";
    case TxnState::kOngoing: return "Ongoing";
    case TxnState::kPrepareCommit: return "PrepareCommit";
    case TxnState::kPrepareAbort: return "PrepareAbort";
    case TxnState::kCompleteCommit: return "CompleteCommit";
    case TxnState::kCompleteAbort: return "CompleteAbort";
  }
  return "Unknown";
}

bool is_legal_transition(TxnState from, TxnState to) {
  using S = TxnState;
  switch (to) {
    case S::kEmpty:    // InitProducerId
    case S::kOngoing:  // AddPartitionsToTxn, AddOffsetsToTxn (from Ongoing: more partitions)
      return from == S::kEmpty || from == S::kCompleteCommit || from == S::kCompleteAbort ||
             (to == S::kOngoing && from == S::kOngoing);
    case S::kPrepareCommit:  // EndTxn commit
    case S::kPrepareAbort:   // EndTxn abort, a timeout, or a newer instance
      return from == S::kOngoing;
    case S::kCompleteCommit: return from == S::kPrepareCommit;
    case S::kCompleteAbort: return from == S::kPrepareAbort;
  }
  return false;
}

}  // namespace cairn::broker::txn
