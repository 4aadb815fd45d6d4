// TxnCoordinator: ListTransactions over the transactional ids this shard coordinates.
#include <algorithm>

#include "broker/txn_coordinator/coordinator.h"

namespace cairn::broker {

using protocol::ErrorCode;

namespace {

bool passes(const txn::TransactionMetadata& m, const TxnListFilter& filter, Timestamp now) {
  if (!filter.producer_ids.empty() &&
      std::find(filter.producer_ids.begin(), filter.producer_ids.end(), m.producer_id) ==
          filter.producer_ids.end()) {
    return false;
  }
  std::string_view state = txn::state_name(m.state);
  if (!filter.states.empty() &&
      std::find(filter.states.begin(), filter.states.end(), state) == filter.states.end()) {
    return false;
  }
  if (filter.min_duration_ms < 0) return true;
  return m.start_time && to_millis(now) - to_millis(*m.start_time) > filter.min_duration_ms;
}

}  // namespace

TxnListResult TxnCoordinator::list(const TxnListFilter& filter) const {
  TxnListResult out;
  if (stopped_) {
    out.error = ErrorCode::kCoordinatorNotAvailable;
    return out;
  }
  Timestamp now = host_->now();
  for (const auto& [id, ps] : partitions_) {
    if (!ps->loaded) {
      if (ps->load_error.is_ok()) out.error = ErrorCode::kCoordinatorLoadInProgress;
      continue;
    }
    for (const auto& [transactional_id, m] : ps->machine.ids()) {
      if (!passes(m, filter, now)) continue;
      out.transactions.push_back(
          {transactional_id, m.producer_id, std::string(txn::state_name(m.state))});
    }
  }
  std::sort(out.transactions.begin(), out.transactions.end(),
            [](const TxnListing& a, const TxnListing& b) {
              return a.transactional_id < b.transactional_id;
            });
  return out;
}

}  // namespace cairn::broker
