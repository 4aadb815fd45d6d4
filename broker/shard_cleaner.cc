// A shard's compaction cleaner (storage/log_cleaner.h) over the partitions the shard owns.
#include "broker/shard.h"

#include "protocol/check.h"

namespace cairn::broker {

void Shard::start_cleaner(storage::LogCleaner::Options options) {
  cleaner_ = std::make_unique<storage::LogCleaner>(context_, options, [this] {
    std::vector<storage::PartitionLog*> logs;
    for (Partition* p : partitions()) {
      if (p->log()) logs.push_back(p->log());
    }
    return logs;
  });
  cleaner_->start();
}

void Shard::stop_cleaner() {
  CAIRN_DCHECK(on_own_thread());
  if (cleaner_) cleaner_->stop();
}

}  // namespace cairn::broker
