#pragma once

// The pure decisions of `cairn mirror`, apart from any broker: which source topics a --topics
// regex selects, how a source topic's partitions map onto its destination topic, and how far
// the mirror lags behind the source. The command (mirror_command.cc) feeds them what the brokers
// report; the unit tests feed them by hand.

#include <cstdint>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace cairn::tools {

// A --topics regex. It must match a whole topic name (as std::regex_match, ECMAScript syntax).
// Internal topics (names starting with "__", such as the group offsets) are never selected:
// their contents belong to the broker that wrote them.
class TopicSelector {
 public:
  // nullopt when `pattern` is not a valid regex; `error` then says why.
  static std::optional<TopicSelector> parse(const std::string& pattern, std::string* error);

  bool selects(const std::string& topic) const;
  // The names of `topics` it selects, sorted.
  std::vector<std::string> select(std::vector<std::string> topics) const;

 private:
  explicit TopicSelector(std::regex regex) : regex_(std::move(regex)) {}
  std::regex regex_;
};

// What the mirror does with one topic, given its partition counts on both sides. Source
// partition p always goes to destination partition p, so each partition keeps its order and a
// partition's records stay together.
struct PartitionMapping {
  enum class Kind {
    kSame,        // equal counts: every partition to its namesake
    kCreate,      // no destination topic: create it with the source's count, then as kSame
    kExtraEmpty,  // the destination has more: the extra destination partitions get nothing
    kRefused,     // the destination has fewer: the topic is not mirrored (a partition would
                  // have nowhere to go without mixing two source partitions' orders)
  };
  Kind kind = Kind::kSame;
  int32_t partitions = 0;  // source partitions mirrored (0 when refused)
  // For kExtraEmpty and kRefused: one line saying so, naming the topic and both counts.
  std::string message;
};

// `destination_partitions` nullopt: the destination has no such topic.
PartitionMapping map_partitions(const std::string& topic, int32_t source_partitions,
                                std::optional<int32_t> destination_partitions);

// One source partition's progress, for the lag line.
struct PartitionProgress {
  int64_t log_start = 0;  // the source partition's first offset
  int64_t end = 0;        // its high watermark: the next offset to be written
  // The next source offset not yet acknowledged by the destination (nullopt: nothing copied
  // yet, so the mirror starts at the log start).
  std::optional<int64_t> acknowledged;
};

struct LagSummary {
  int64_t records = 0;            // source records not yet acknowledged by the destination
  int32_t partitions = 0;         // partitions counted
  int32_t partitions_behind = 0;  // of which with a lag above zero
};

// Lag of one partition: end - max(acknowledged, log start), never below zero (a partition the
// source truncated under the mirror has nothing left to copy before its log start).
int64_t partition_lag(const PartitionProgress& p);
LagSummary summarize_lag(const std::vector<PartitionProgress>& partitions);

// Figures for the periodic stderr line and the final summary.
struct MirrorStats {
  int64_t copied = 0;          // records the destination acknowledged, this run
  int64_t copied_before = 0;   // ... as of the previous line
  double seconds = 0;          // since the previous line (or, for the summary, since the start)
  LagSummary lag;
  int32_t topics = 0;
};

// "mirror: copied 1200 records (+200, 40/s), lag 35 records in 2 of 6 partitions, 2 topics"
std::string format_lag_line(const MirrorStats& stats);

}  // namespace cairn::tools
