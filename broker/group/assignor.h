#pragma once

// Server-side partition assignment for consumer groups: range and round-robin, as Kafka's
// RangeAssignor and RoundRobinAssignor define them. Pure functions: deterministic for the same
// members and topics, so every broker computes the same assignment.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::broker {

// Some partitions of one topic: a member's share of it.
struct TopicPartitions {
  std::string topic;
  std::vector<int32_t> partitions;
};

struct Subscription {
  std::string member_id;
  std::vector<std::string> topics;
};

// member id -> its partitions, one entry per topic it got partitions of.
using Assignment = std::map<std::string, std::vector<TopicPartitions>>;

// range: per topic, the subscribed members (by id) take contiguous runs of partitions; the first
// (partitions % members) members take one more.
Assignment assign_range(const std::vector<Subscription>& members,
                        const std::map<std::string, int32_t>& partitions);
// roundrobin: every topic-partition (by topic, then partition) goes to the next member (by id)
// that subscribes to its topic.
Assignment assign_round_robin(const std::vector<Subscription>& members,
                              const std::map<std::string, int32_t>& partitions);

bool is_known_strategy(std::string_view strategy);
Assignment assign(std::string_view strategy, const std::vector<Subscription>& members,
                  const std::map<std::string, int32_t>& partitions);

}  // namespace cairn::broker
