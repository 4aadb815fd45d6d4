#include "broker/group/assignor.h"

#include "broker/group/cooperative_assignor.h"

#include <algorithm>

namespace cairn::broker {

namespace {

std::vector<const Subscription*> sorted(const std::vector<Subscription>& members) {
  std::vector<const Subscription*> out;
  out.reserve(members.size());
  for (const auto& m : members) out.push_back(&m);
  std::sort(out.begin(), out.end(), [](const Subscription* a, const Subscription* b) {
    return a->member_id < b->member_id;
  });
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
      for (int32_t k = 0; k < take; ++k)
        give(out, subscribers[static_cast<size_t>(i)]->member_id, topic, next++);
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

Assignment assign_cooperative_sticky(const std::vector<Subscription>& members,
                                     const std::map<std::string, int32_t>& partitions,
                                     const Assignment& previous) {
  using Key = std::pair<std::string, int32_t>;
  auto ordered = sorted(members);
  if (ordered.empty()) return {};
  std::map<Key, const Subscription*> owner;  // owners still in the group, of valid partitions
  std::map<const Subscription*, std::vector<Key>> target;
  size_t total = 0;
  for (const auto& [topic, count] : partitions) {
    for (const auto* m : ordered) {
      if (subscribes(*m, topic)) {
        total += static_cast<size_t>(count);
        break;
      }
    }
  }
  for (const auto* m : ordered) {
    auto& mine = target[m];
    auto was = previous.find(m->member_id);
    if (was == previous.end()) continue;
    for (const auto& tp : was->second) {
      auto it = partitions.find(tp.topic);
      if (it == partitions.end() || !subscribes(*m, tp.topic)) continue;
      for (int32_t p : tp.partitions) {
        if (p < 0 || p >= it->second || owner.contains({tp.topic, p})) continue;
        owner[{tp.topic, p}] = m;
        mine.emplace_back(tp.topic, p);
      }
    }
  }
  // Shares: total / members each, one more for the (total % members) that keep the most.
  size_t base = total / ordered.size();
  size_t extra = total % ordered.size();
  auto by_kept = ordered;
  std::stable_sort(by_kept.begin(), by_kept.end(),
                   [&](const Subscription* a, const Subscription* b) {
                     return target[a].size() > target[b].size();
                   });
  std::map<const Subscription*, size_t> share;
  for (size_t i = 0; i < by_kept.size(); ++i) share[by_kept[i]] = base + (i < extra ? 1 : 0);
  for (const auto* m : ordered) {
    auto& mine = target[m];
    std::sort(mine.begin(), mine.end());
    if (mine.size() > share[m]) mine.resize(share[m]);
  }
  std::map<Key, bool> taken;
  for (const auto& [m, keys] : target) {
    for (const auto& k : keys) taken[k] = true;
  }
  for (const auto& [topic, count] : partitions) {
    for (int32_t p = 0; p < count; ++p) {
      if (taken.contains({topic, p})) continue;
      const Subscription* best = nullptr;
      for (const auto* m : ordered) {
        if (!subscribes(*m, topic)) continue;
        bool under = target[m].size() < share[m];
        bool best_under = best != nullptr && target[best].size() < share[best];
        if (best == nullptr || (under && !best_under) ||
            (under == best_under && target[m].size() < target[best].size())) {
          best = m;
        }
      }
      if (best != nullptr) target[best].emplace_back(topic, p);
    }
  }
  Assignment out;
  for (const auto* m : ordered) {
    out[m->member_id];
    auto& mine = target[m];
    std::sort(mine.begin(), mine.end());
    for (const auto& [topic, p] : mine) {
      auto it = owner.find({topic, p});
      if (it != owner.end() && it->second != m) continue;  // still another member's: withheld
      give(out, m->member_id, topic, p);
    }
  }
  return out;
}

bool is_known_strategy(std::string_view strategy) {
  return strategy == "range" || strategy == "roundrobin" || strategy == "cooperative-sticky";
}

bool is_cooperative_strategy(std::string_view strategy) { return strategy == "cooperative-sticky"; }

Assignment assign(std::string_view strategy, const std::vector<Subscription>& members,
                  const std::map<std::string, int32_t>& partitions) {
  return strategy == "roundrobin" ? assign_round_robin(members, partitions)
                                  : assign_range(members, partitions);
}

}  // namespace cairn::broker
