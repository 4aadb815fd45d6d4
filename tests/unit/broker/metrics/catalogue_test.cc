#include "broker/metrics/catalogue.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

namespace cairn::broker::metrics {
namespace {

TEST(CatalogueTest, NamesFollowPrometheusConventions) {
  std::regex snake("cairn_[a-z][a-z0-9_]*");
  for (const Descriptor* d : catalogue::kAll) {
    std::string name(d->name);
    SCOPED_TRACE(name);
    EXPECT_TRUE(std::regex_match(name, snake));
    EXPECT_FALSE(d->help.empty());
    bool total = name.ends_with("_total");
    EXPECT_EQ(total, d->type == MetricType::kCounter) << "counters and only counters end in _total";
    if (!d->unit.empty()) {
      std::string unit = "_" + std::string(d->unit);
      std::string stem = total ? name.substr(0, name.size() - 6) : name;
      if (d->unit == "seconds" || d->unit == "bytes") {
        EXPECT_TRUE(stem.ends_with(unit)) << "a base unit ends the name";
      } else {
        EXPECT_NE(name.find(unit), std::string::npos) << "the name says what it counts";
      }
    }
    for (std::string_view suffix : {"_bucket", "_sum", "_count"}) {
      EXPECT_FALSE(name.ends_with(suffix)) << "a suffix the histogram format reserves";
    }
    for (std::string_view non_base : {"_milliseconds", "_microseconds", "_kilobytes", "_ms"}) {
      EXPECT_EQ(name.find(non_base), std::string::npos) << "base units only";
    }
  }
}

TEST(CatalogueTest, EveryNameIsDefinedOnce) {
  std::set<std::string_view> names;
  for (const Descriptor* d : catalogue::kAll) EXPECT_TRUE(names.insert(d->name).second) << d->name;
}

TEST(CatalogueTest, HistogramsAndOnlyHistogramsHaveAscendingBuckets) {
  for (const Descriptor* d : catalogue::kAll) {
    SCOPED_TRACE(std::string(d->name));
    if (d->type != MetricType::kHistogram) {
      EXPECT_TRUE(d->buckets.empty());
      continue;
    }
    ASSERT_FALSE(d->buckets.empty());
    for (size_t i = 1; i < d->buckets.size(); ++i) EXPECT_LT(d->buckets[i - 1], d->buckets[i]);
  }
}

TEST(CatalogueTest, NoMetricIsLabelledTwiceByOneLabel) {
  for (const Descriptor* d : catalogue::kAll) {
    std::set<Label> seen(d->labels.begin(), d->labels.end());
    EXPECT_EQ(seen.size(), d->labels.size()) << d->name;
  }
}

TEST(CatalogueTest, FindLooksMetricsUpByName) {
  EXPECT_EQ(catalogue::find("cairn_records_in_total"), &catalogue::kRecordsIn);
  EXPECT_EQ(catalogue::find("cairn_records_in"), nullptr);
}

}  // namespace
}  // namespace cairn::broker::metrics
