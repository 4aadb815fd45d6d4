#pragma once

// Registry: the metrics of one broker. It hands out handles (metric.h) to series, one per metric
// and set of label values, and collects their values, summed over shards, for a scrape.
//
// Owned by the broker for its whole life and shared by every shard. Registering and removing
// series (when a topic, partition, group or follower appears or goes) and collecting take a
// mutex; updating through a handle takes nothing. Asking twice for the same metric and label
// values returns the same series, so every shard may register what it needs. A metric holds at
// most `max_series_per_metric` series: past that a request gets an inert handle and counts in
// cairn_metrics_series_dropped_total.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "broker/metrics/descriptor.h"
#include "broker/metrics/metric.h"

namespace cairn::broker::metrics {

using LabelValues = std::vector<std::string>;

// One series' values at a scrape.
struct SeriesSnapshot {
  LabelValues label_values;
  uint64_t counter = 0;                // counters
  double gauge = 0;                    // gauges
  Histogram::Snapshot histogram;       // histograms
};

struct FamilySnapshot {
  const Descriptor* descriptor = nullptr;
  std::vector<SeriesSnapshot> series;  // ordered by label values
};

class Registry {
 public:
  struct Options {
    unsigned shard_count = 1;
    size_t max_series_per_metric = 100'000;
  };
  explicit Registry(Options options);
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  unsigned shard_count() const { return options_.shard_count; }

  // Requires: `descriptor` is of the handle's type and `label_values` has one value per label,
  // in the descriptor's order (otherwise the handle is inert; a bug, asserted in debug builds).
  Counter counter(const Descriptor& descriptor, const LabelValues& label_values = {});
  Gauge gauge(const Descriptor& descriptor, const LabelValues& label_values = {});
  Histogram histogram(const Descriptor& descriptor, const LabelValues& label_values = {});

  // Takes one series out of the exposition. Its handles stay valid and keep counting, unseen.
  void remove(const Descriptor& descriptor, const LabelValues& label_values);
  // Takes out every series of every metric whose `label` is `value` (a deleted topic, a group
  // that has gone). Returns how many.
  size_t remove_all(Label label, std::string_view value);

  // A metric whose series are computed at each scrape, on the scraper's thread, from values it
  // may read there (other series through collect_one(), atomics). Replaces any earlier one.
  using Collector = std::function<std::vector<SeriesSnapshot>(const Registry&)>;
  void set_collector(const Descriptor& descriptor, Collector collector);

  // Every metric with at least one series, in name order.
  std::vector<FamilySnapshot> collect() const;
  // One registered metric's series (not a collector's).
  FamilySnapshot collect_one(const Descriptor& descriptor) const;

 private:
  struct Family {
    const Descriptor* descriptor = nullptr;
    std::map<LabelValues, std::shared_ptr<detail::Series>> series;
    Collector collector;
  };

  std::shared_ptr<detail::Series> find_or_add(const Descriptor& descriptor, MetricType type,
                                              const LabelValues& label_values);
  static SeriesSnapshot snapshot_of(const detail::Series& series);

  Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;  // by metric name
  Counter dropped_;
};

// A collector for cairn_group_lag_records: for each committed offset series (group, topic,
// partition), the partition's high watermark minus the committed offset, never below 0.
Registry::Collector group_lag_collector();

}  // namespace cairn::broker::metrics
