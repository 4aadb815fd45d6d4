#pragma once

// What a metric is, apart from its values: name, type, help text, unit, the labels its series
// carry and, for a histogram, its bucket bounds. Descriptors are constants (catalogue.h); the
// registry keeps the values.

#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::broker::metrics {

enum class MetricType : uint8_t { kCounter, kGauge, kHistogram };

// The dimensions a series may be labelled by. The set is closed on purpose: each label's values
// are bounded by something the broker owns (its topics, partitions, groups, APIs, followers, the
// storage operations), so no label can grow with clients or connections.
enum class Label : uint8_t { kTopic, kPartition, kGroup, kApi, kFollower, kOperation, kVersion };

// "topic", "partition", ...: the label's name in the exposition.
std::string_view label_name(Label label);
std::string_view type_name(MetricType type);

struct Descriptor {
  std::string_view name;  // Prometheus conventions: cairn_ prefix, base units, _total counters
  MetricType type;
  std::string_view help;
  std::string_view unit;            // "seconds", "bytes", "records", "appends" or empty
  std::span<const Label> labels;    // in the order label values are given
  std::span<const double> buckets;  // histograms: ascending upper bounds; +Inf is implied
};

}  // namespace cairn::broker::metrics
