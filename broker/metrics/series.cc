#include "broker/metrics/series.h"

namespace cairn::broker::metrics::detail {

namespace {

size_t words_for(const Descriptor& descriptor) {
  if (descriptor.type == MetricType::kHistogram) return descriptor.buckets.size() + 2;
  return 1;
}

}  // namespace

Series::Series(const Descriptor& descriptor, std::vector<std::string> label_values,
               unsigned shard_count)
    : descriptor_(&descriptor),
      label_values_(std::move(label_values)),
      shard_count_(shard_count),
      words_per_shard_(words_for(descriptor)),
      lines_per_shard_((words_per_shard_ + kWordsPerLine - 1) / kWordsPerLine),
      lines_(std::make_unique<CacheLine[]>(shard_count * lines_per_shard_)) {
  for (size_t i = 0; i < shard_count * lines_per_shard_; ++i) {
    for (auto& w : lines_[i].words) w.store(0, std::memory_order_relaxed);
  }
}

}  // namespace cairn::broker::metrics::detail
