#include "broker/memory_budget.h"

#include "protocol/check.h"

namespace cairn::broker {

awaitable<bool> MemoryBudget::acquire(uint64_t bytes, const bool& give_up) {
  CAIRN_DCHECK(running_on(executor_));
  while (!give_up && used_ > 0 && used_ + bytes > capacity_) co_await notifier_.wait();
  if (give_up) co_return false;
  used_ += bytes;
  co_return true;
}

void MemoryBudget::take(uint64_t bytes) {
  CAIRN_DCHECK(running_on(executor_));
  used_ += bytes;
}

void MemoryBudget::release(uint64_t bytes) {
  CAIRN_DCHECK(running_on(executor_));
  used_ -= bytes;
  notifier_.notify_all();
}

}  // namespace cairn::broker
