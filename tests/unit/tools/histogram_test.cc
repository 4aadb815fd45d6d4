#include "tools/cairn/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

namespace cairn::tools {
namespace {

TEST(Histogram, SmallValuesAreExact) {
  Histogram h;
  for (int v = 1; v <= 100; ++v) h.record(v);
  EXPECT_EQ(h.count(), 100);
  EXPECT_EQ(h.percentile(50), 50);
  EXPECT_EQ(h.percentile(99), 99);
  EXPECT_EQ(h.percentile(100), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(Histogram, PercentilesStayWithinATenthOfAPercentOfTheTruth) {
  std::mt19937_64 rng(5);
  std::lognormal_distribution<double> dist(7.0, 1.5);  // microseconds, 1 us to seconds
  std::vector<int64_t> values;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    auto v = static_cast<int64_t>(dist(rng)) + 1;
    values.push_back(v);
    h.record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 90.0, 99.0, 99.9, 99.99}) {
    auto exact = values[static_cast<size_t>(p / 100.0 * static_cast<double>(values.size()) + 0.5) - 1];
    auto got = h.percentile(p);
    EXPECT_GE(got, exact) << p;
    EXPECT_LE(static_cast<double>(got), static_cast<double>(exact) * 1.001 + 1) << p;
  }
  EXPECT_EQ(h.percentile(100), values.back());
}

TEST(Histogram, HugeValuesAreCappedNotLost) {
  Histogram h;
  h.record(1);
  h.record(int64_t{1} << 55);
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.max(), int64_t{1} << 55);
  EXPECT_EQ(h.percentile(100), int64_t{1} << 55);
}

TEST(Histogram, MergeAddsCounts) {
  Histogram a, b;
  for (int i = 0; i < 10; ++i) a.record(10);
  for (int i = 0; i < 10; ++i) b.record(1000);
  a.merge(b);
  EXPECT_EQ(a.count(), 20);
  EXPECT_EQ(a.percentile(50), 10);
  EXPECT_GE(a.percentile(51), 1000);
  EXPECT_NE(a.distribution().find("1000 100.000000 10"), std::string::npos) << a.distribution();
}

}  // namespace
}  // namespace cairn::tools
