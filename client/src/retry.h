#pragma once

// Backoff between retries: `base` doubled per earlier attempt, capped at `max`.

#include <algorithm>
#include <chrono>

namespace cairn::client {

inline std::chrono::milliseconds retry_backoff(std::chrono::milliseconds base,
                                               std::chrono::milliseconds max, int attempts) {
  auto d = base;
  for (int i = 0; i < attempts && d < max; ++i) d *= 2;
  return std::min(d, max);
}

}  // namespace cairn::client
