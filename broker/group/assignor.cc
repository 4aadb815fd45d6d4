#include "broker/group/assignor.h"

#include <algorithm>

namespace cairn::broker {

namespace {

std::vector<const Subscription*> sorted(const std::vector<Subscription>& members) {
  std::vector<const Subscription*> out;
  for (const auto& m : members) out.push_back(&m);
  std::sort(out.begin(), out.end(),
            [](const Subscription* a, const Subscription* b) { return a->member_id < b->member_id; });
  return out;
}

bool subscribes(const Subscription& m, const std::string& topic) {
  return std::find(m.topics.begin(), m.topics.end(), topic) != m.topics.end();
}

void give(Assignment& out, const std::string& member, const std::string& topic, int32_t partition) {
  auto& list = out[member];
  if (list.empty() || list.back().topic != topic) list.push_back({topic, {}});
  list.back().partitions.push_back(partition);
}

}  // namespace

Assignment assign_range(const std::vector<Subscription>& members,
                        const std::map<std::string, int32_t>& partitions) {
  Assignment out;
  auto ordered = sorted(members);
  for (const auto* m : ordered) out[m->member_id];
  for (const auto& [topic, count] : partitions) {
    std::vector<const Subscription*> subscribers;
    for (const auto* m : ordered) {
      if (subscribes(*m, topic)) subscribers.push_back(m);
    }
    if (subscribers.empty()) continue;
    int32_t n = static_cast<int32_t>(subscribers.size());
    int32_t per = count / n, extra = count % n, next = 0;
    for (int32_t i = 0; i < n; ++i) {
      int32_t take = per + (i < extra ? 1 : 0);
      for (int32_t k = 0; k < take; ++k) give(out, subscribers[static_cast<size_t>(i)]->member_id, topic, next++);
    }
  }
  return out;
}

Assignment assign_round_robin(const std::vector<Subscription>& members,
                              const std::map<std::string, int32_t>& partitions) {
  Assignment out;
  auto ordered = sorted(members);
  for (const auto* m : ordered) out[m->member_id];
  if (ordered.empty()) return out;
  size_t next = 0;
  for (const auto& [topic, count] : partitions) {
    for (int32_t p = 0; p < count; ++p) {
      for (size_t tried = 0; tried < ordered.size(); ++tried) {
        const Subscription* m = ordered[next++ % ordered.size()];
        if (subscribes(*m, topic)) {
          give(out, m->member_id, topic, p);
          break;
        }
      }
    }
  }
  return out;
}

bool is_known_strategy(std::string_view strategy) {
  return strategy == "range" || strategy == "roundrobin";
}

Assignment assign(std::string_view strategy, const std::vector<Subscription>& members,
                  const std::map<std::string, int32_t>& partitions) {
  return strategy == "roundrobin" ? assign_round_robin(members, partitions)
                                  : assign_range(members, partitions);
}

}  // namespace cairn::broker
