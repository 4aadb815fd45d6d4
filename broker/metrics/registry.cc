#include "broker/metrics/registry.h"

#include <algorithm>
#include <cassert>

#include "broker/metrics/catalogue.h"

namespace cairn::broker::metrics {

Registry::Registry(Options options) : options_(options) {
  if (options_.shard_count == 0) options_.shard_count = 1;
  dropped_ = counter(catalogue::kSeriesDropped);
}

std::shared_ptr<detail::Series> Registry::find_or_add(const Descriptor& descriptor,
                                                      MetricType type,
                                                      const LabelValues& label_values) {
  bool valid = descriptor.type == type && label_values.size() == descriptor.labels.size();
  assert(valid && "a metric asked for with the wrong type or number of label values");
  if (!valid) return nullptr;
  std::lock_guard lock(mutex_);
  auto [it, added] = families_.try_emplace(std::string(descriptor.name));
  Family& family = it->second;
  if (added) family.descriptor = &descriptor;
  assert(family.descriptor == &descriptor && "two descriptors with one name");
  if (family.descriptor != &descriptor) return nullptr;
  if (auto found = family.series.find(label_values); found != family.series.end()) {
    return found->second;
  }
  if (family.series.size() >= options_.max_series_per_metric) {
    // Under the mutex, so shard 0's word has one writer at a time.
    dropped_.inc(0);
    return nullptr;
  }
  auto series = std::make_shared<detail::Series>(descriptor, label_values, options_.shard_count);
  family.series.emplace(label_values, series);
  return series;
}

Counter Registry::counter(const Descriptor& descriptor, const LabelValues& label_values) {
  return Counter(find_or_add(descriptor, MetricType::kCounter, label_values));
}

Gauge Registry::gauge(const Descriptor& descriptor, const LabelValues& label_values) {
  return Gauge(find_or_add(descriptor, MetricType::kGauge, label_values));
}

Histogram Registry::histogram(const Descriptor& descriptor, const LabelValues& label_values) {
  return Histogram(find_or_add(descriptor, MetricType::kHistogram, label_values));
}

void Registry::remove(const Descriptor& descriptor, const LabelValues& label_values) {
  std::lock_guard lock(mutex_);
  auto it = families_.find(descriptor.name);
  if (it != families_.end()) it->second.series.erase(label_values);
}

size_t Registry::remove_all(Label label, std::string_view value) {
  std::lock_guard lock(mutex_);
  size_t removed = 0;
  for (auto& [name, family] : families_) {
    auto labels = family.descriptor->labels;
    auto position = std::find(labels.begin(), labels.end(), label);
    if (position == labels.end()) continue;
    size_t index = static_cast<size_t>(position - labels.begin());
    removed += std::erase_if(family.series,
                             [&](const auto& entry) { return entry.first[index] == value; });
  }
  return removed;
}

void Registry::set_collector(const Descriptor& descriptor, Collector collector) {
  std::lock_guard lock(mutex_);
  auto [it, added] = families_.try_emplace(std::string(descriptor.name));
  it->second.descriptor = &descriptor;
  it->second.collector = std::move(collector);
}

SeriesSnapshot Registry::snapshot_of(const detail::Series& series) {
  SeriesSnapshot s;
  s.label_values = series.label_values();
  switch (series.descriptor().type) {
    case MetricType::kCounter:
      for (unsigned shard = 0; shard < series.shard_count(); ++shard) {
        s.counter += series.load(shard, 0);
      }
      break;
    case MetricType::kGauge:
      for (unsigned shard = 0; shard < series.shard_count(); ++shard) {
        s.gauge += series.load_double(shard, 0);
      }
      break;
    case MetricType::kHistogram: {
      size_t buckets = series.descriptor().buckets.size() + 1;
      s.histogram.bucket_counts.assign(buckets, 0);
      for (unsigned shard = 0; shard < series.shard_count(); ++shard) {
        for (size_t b = 0; b < buckets; ++b) s.histogram.bucket_counts[b] += series.load(shard, b);
        s.histogram.sum += series.load_double(shard, buckets);
      }
      for (uint64_t c : s.histogram.bucket_counts) s.histogram.count += c;
      break;
    }
  }
  return s;
}

std::vector<FamilySnapshot> Registry::collect() const {
  // Copy what to read under the mutex, then read and run collectors without it: a collector
  // calls collect_one(), and registration must not wait for a long scrape.
  struct Pending {
    const Descriptor* descriptor;
    std::vector<std::shared_ptr<detail::Series>> series;
    Collector collector;
  };
  std::vector<Pending> pending;
  {
    std::lock_guard lock(mutex_);
    pending.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      Pending p{family.descriptor, {}, family.collector};
      p.series.reserve(family.series.size());
      for (const auto& [labels, series] : family.series) p.series.push_back(series);
      pending.push_back(std::move(p));
    }
  }
  std::vector<FamilySnapshot> out;
  out.reserve(pending.size());
  for (auto& p : pending) {
    FamilySnapshot family{p.descriptor, {}};
    if (p.collector) {
      family.series = p.collector(*this);
      std::sort(family.series.begin(), family.series.end(),
                [](const auto& a, const auto& b) { return a.label_values < b.label_values; });
    } else {
      family.series.reserve(p.series.size());
      for (const auto& series : p.series) family.series.push_back(snapshot_of(*series));
    }
    if (!family.series.empty()) out.push_back(std::move(family));
  }
  return out;
}

FamilySnapshot Registry::collect_one(const Descriptor& descriptor) const {
  std::vector<std::shared_ptr<detail::Series>> series;
  {
    std::lock_guard lock(mutex_);
    auto it = families_.find(descriptor.name);
    if (it != families_.end()) {
      for (const auto& [labels, s] : it->second.series) series.push_back(s);
    }
  }
  FamilySnapshot family{&descriptor, {}};
  for (const auto& s : series) family.series.push_back(snapshot_of(*s));
  return family;
}

Registry::Collector group_lag_collector() {
  return [](const Registry& registry) {
    FamilySnapshot committed = registry.collect_one(catalogue::kGroupCommittedOffset);
    FamilySnapshot watermarks = registry.collect_one(catalogue::kHighWatermark);
    std::map<LabelValues, double> watermark_of;  // (topic, partition) -> high watermark
    for (auto& s : watermarks.series) watermark_of.emplace(std::move(s.label_values), s.gauge);
    std::vector<SeriesSnapshot> lag;
    for (auto& s : committed.series) {
      // Labels: group, topic, partition.
      auto found = watermark_of.find(LabelValues{s.label_values[1], s.label_values[2]});
      if (found == watermark_of.end()) continue;
      SeriesSnapshot l;
      l.label_values = std::move(s.label_values);
      l.gauge = std::max(0.0, found->second - s.gauge);
      lag.push_back(std::move(l));
    }
    return lag;
  };
}

}  // namespace cairn::broker::metrics
