#include "tools/common/did_you_mean.h"

#include <algorithm>

namespace cairn::tools {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1])});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  if (name.empty()) return std::nullopt;
  const size_t limit = name.size() <= 3 ? 1 : 2;
  const std::string* best = nullptr;
  size_t best_distance = limit + 1;
  for (const auto& candidate : candidates) {
    size_t d = edit_distance(name, candidate);
    if (d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best) return *best;
  // An abbreviation: a prefix of exactly one candidate.
  std::optional<std::string> prefix_of;
  for (const auto& candidate : candidates) {
    if (name.size() >= 2 && candidate.size() > name.size() && candidate.compare(0, name.size(), name) == 0) {
      if (prefix_of && *prefix_of != candidate) return std::nullopt;
      prefix_of = candidate;
    }
  }
  return prefix_of;
}

}  // namespace cairn::tools
