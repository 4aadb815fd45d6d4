#include "tools/cairn/mirror_plan.h"

#include <fmt/format.h>

#include <algorithm>

namespace cairn::tools {

std::optional<TopicSelector> TopicSelector::parse(const std::string& pattern, std::string* error) {
  try {
    return TopicSelector(std::regex(pattern, std::regex::ECMAScript));
  } catch (const std::regex_error& e) {
    if (error != nullptr) *error = fmt::format("--topics '{}' is not a valid regex: {}", pattern, e.what());
    return std::nullopt;
  }
}

bool TopicSelector::selects(const std::string& topic) const {
  if (topic.starts_with("__")) return false;
  return std::regex_match(topic, regex_);
}

std::vector<std::string> TopicSelector::select(std::vector<std::string> topics) const {
  std::erase_if(topics, [this](const std::string& t) { return !selects(t); });
  std::sort(topics.begin(), topics.end());
  return topics;
}

PartitionMapping map_partitions(const std::string& topic, int32_t source_partitions,
                                std::optional<int32_t> destination_partitions) {
  using Kind = PartitionMapping::Kind;
  if (!destination_partitions) return {Kind::kCreate, source_partitions, {}};
  int32_t dest = *destination_partitions;
  if (dest == source_partitions) return {Kind::kSame, source_partitions, {}};
  if (dest > source_partitions) {
    return {Kind::kExtraEmpty, source_partitions,
            fmt::format("topic '{}' has {} partitions at the source and {} at the destination: "
                        "partitions {}..{} of the destination get nothing",
                        topic, source_partitions, dest, source_partitions, dest - 1)};
  }
  return {Kind::kRefused, 0,
          fmt::format("topic '{}' has {} partitions at the source but only {} at the destination: "
                      "not mirrored (add partitions to the destination topic, or delete it and "
                      "let the mirror create it)",
                      topic, source_partitions, dest)};
}

int64_t partition_lag(const PartitionProgress& p) {
  int64_t from = std::max(p.acknowledged.value_or(p.log_start), p.log_start);
  return std::max<int64_t>(0, p.end - from);
}

LagSummary summarize_lag(const std::vector<PartitionProgress>& partitions) {
  LagSummary s;
  for (const auto& p : partitions) {
    int64_t lag = partition_lag(p);
    s.records += lag;
    ++s.partitions;
    if (lag > 0) ++s.partitions_behind;
  }
  return s;
}

std::string format_lag_line(const MirrorStats& stats) {
  int64_t added = stats.copied - stats.copied_before;
  double rate = stats.seconds > 0 ? static_cast<double>(added) / stats.seconds : 0.0;
  return fmt::format("mirror: copied {} records (+{}, {:.0f}/s), lag {} records in {} of {} partitions, {} topic{}",
                     stats.copied, added, rate, stats.lag.records, stats.lag.partitions_behind,
                     stats.lag.partitions, stats.topics, stats.topics == 1 ? "" : "s");
}

}  // namespace cairn::tools
