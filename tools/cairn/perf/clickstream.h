#pragma once

// Realistic record values for `cairn perf produce --payload json-clickstream`: web clickstream
// events as JSON objects of 200 to 500 bytes (an event id, timestamps, user and session ids, the
// event type, page, referrer, user agent, geography, device and, for commerce events, a
// product), drawn from a seeded generator so that runs compare.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace cairn::tools::perf {

class ClickstreamGenerator {
 public:
  explicit ClickstreamGenerator(uint64_t seed) : rng_(seed) {}
  // The next event; between 200 and 500 bytes (its fields' widths keep it there: about 290 to
  // 470).
  std::string next();
  // `count` events, for a run to cycle through without generating on its hot path.
  std::vector<std::string> pool(size_t count);

 private:
  uint64_t pick(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }

  std::mt19937_64 rng_;
  int64_t clock_ms_ = 1'767'225'600'000;  // 2026-01-01
  uint64_t sequence_ = 0;
};

}  // namespace cairn::tools::perf
