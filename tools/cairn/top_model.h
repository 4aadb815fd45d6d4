#pragma once

// What `cairn top` shows, computed from two scrapes of cairnd's /metrics: per-topic records and
// bytes per second in and out, per-group lag and how fast it grows or shrinks, per-API request
// and error rates with latency percentiles over the interval (from the histogram's buckets),
// replication per follower, and the broker's connections, memory and partitions. Pure: the
// caller scrapes and keeps the time; rendering is render_frame().

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "tools/cairn/exposition.h"

namespace cairn::tools {

struct Scrape {
  double seconds = 0;  // when it was taken, on a monotonic clock
  std::vector<Sample> samples;
};

struct TopicRow {
  std::string topic;
  double records_in = 0;  // per second, as are the other three
  double records_out = 0;
  double bytes_in = 0;
  double bytes_out = 0;
};

struct GroupRow {
  std::string group;
  double lag_records = 0;               // summed over the group's partitions
  std::optional<double> trend;          // change of lag_records per second; none on the first scrape
  std::optional<double> lag_seconds;    // the largest over its partitions
};

struct ApiRow {
  std::string api;
  double requests = 0;  // per second
  double errors = 0;    // per second
  std::optional<double> p50_seconds;  // over the interval; none without requests in it
  std::optional<double> p99_seconds;
};

struct FollowerRow {
  std::string follower;
  double lag_records = 0;  // summed over partitions
  std::optional<double> lag_seconds;
};

struct BrokerSummary {
  std::optional<double> connections;
  std::optional<double> memory_bytes;
  std::optional<double> memory_budget_bytes;
  double partitions = 0;
  double offline_partitions = 0;
};

struct Frame {
  std::vector<TopicRow> topics;
  std::vector<GroupRow> groups;
  std::vector<ApiRow> apis;
  std::vector<FollowerRow> followers;
  BrokerSummary broker;
};

// The frame for the interval from `previous` (none: the first scrape, so no rates) to `current`.
Frame compute_frame(const Scrape* previous, const Scrape& current);

// A histogram's quantile `q` (0 to 1) from cumulative bucket counts (upper bound, count), as
// Prometheus's histogram_quantile(): linear within the bucket that holds the rank; the last
// finite bound when the rank falls in +Inf. None when the buckets hold nothing.
std::optional<double> bucket_quantile(double q, std::span<const std::pair<double, double>> buckets);

// The increase of a counter from `before` to `after`; a counter that went down was reset (the
// broker restarted) and its increase is `after`.
double counter_increase(double before, double after);

// The frame as terminal text: `width` columns, plain ASCII, no escape sequences.
std::string render_frame(const Frame& frame, const std::string& title, size_t width);

}  // namespace cairn::tools
