#include "tools/cairn/histogram.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

namespace cairn::tools {

namespace {
constexpr size_t kSub = size_t{1} << 10;
}  // namespace

Histogram::Histogram() : counts_(kSub * kRanges, 0) {}

size_t Histogram::index_of(int64_t value) {
  auto v = static_cast<uint64_t>(std::max<int64_t>(value, 0));
  if (v < kSub) return static_cast<size_t>(v);  // exact below 1024
  int msb = 63 - std::countl_zero(v);           // >= 10
  int range = msb - kSubBits + 1;               // 1 for [1024, 2048)
  if (range >= kRanges) return kSub * kRanges - 1;
  size_t sub = static_cast<size_t>((v >> (msb - kSubBits)) & (kSub - 1));
  return static_cast<size_t>(range) * kSub + sub;
}

int64_t Histogram::upper_of(size_t index) {
  size_t range = index / kSub, sub = index % kSub;
  if (range == 0) return static_cast<int64_t>(sub);
  int shift = static_cast<int>(range) - 1;  // bucket width 2^shift
  uint64_t base = (uint64_t{1} << (kSubBits + shift)) + (static_cast<uint64_t>(sub) << shift);
  return static_cast<int64_t>(base + (uint64_t{1} << shift) - 1);
}

void Histogram::record(int64_t value, int64_t count) {
  if (count <= 0) return;
  counts_[std::min(index_of(value), counts_.size() - 1)] += count;
  total_ += count;
  sum_ += value * count;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
}

void Histogram::merge(const Histogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  total_ += other.total_;
  sum_ += other.sum_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
}

int64_t Histogram::percentile(double p) const {
  if (total_ == 0) return 0;
  // The rank of the record at p: the smallest count that is at least p% of the total (the
  // epsilon keeps 99.9% of 200,000 at 199,800 despite rounding in the product).
  auto wanted = static_cast<int64_t>(
      std::ceil(static_cast<double>(total_) * std::clamp(p, 0.0, 100.0) / 100.0 - 1e-9));
  wanted = std::clamp<int64_t>(wanted, 1, total_);
  int64_t seen = 0;
  for (size_t i = 0; i + 1 < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted) return std::min(upper_of(i), max_);
  }
  return max_;  // the last bucket also holds every value beyond the range
}

std::string Histogram::distribution() const {
  std::string out = "# value_us percentile count\n";
  int64_t seen = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    if (counts_[i] == 0) continue;
    seen += counts_[i];
    auto value = i + 1 < counts_.size() ? std::min(upper_of(i), max_) : max_;
    out += fmt::format("{} {:.6f} {}\n", value,
                       100.0 * static_cast<double>(seen) / static_cast<double>(total_), counts_[i]);
  }
  return out;
}

}  // namespace cairn::tools
