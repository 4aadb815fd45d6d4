#include "broker/metrics/descriptor.h"

namespace cairn::broker::metrics {

std::string_view label_name(Label label) {
  switch (label) {
    case Label::kTopic: return "topic";
    case Label::kPartition: return "partition";
    case Label::kGroup: return "group";
    case Label::kApi: return "api";
    case Label::kFollower: return "follower";
    case Label::kOperation: return "operation";
    case Label::kVersion: return "version";
  }
  return "unknown";
}

std::string_view type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter: return "counter";
    case MetricType::kGauge: return "gauge";
    case MetricType::kHistogram: return "histogram";
  }
  return "untyped";
}

}  // namespace cairn::broker::metrics
