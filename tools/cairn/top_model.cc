#include "tools/cairn/top_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "broker/metrics/catalogue.h"

namespace cairn::tools {

namespace {

namespace catalogue = broker::metrics::catalogue;

// Values of one metric, keyed by the value of one label (or "" when unlabelled), summed.
std::map<std::string, double> sum_by(const Scrape& scrape, std::string_view name,
                                     std::string_view label) {
  std::map<std::string, double> out;
  for (const Sample& s : scrape.samples) {
    if (s.name != name) continue;
    out[std::string(s.label(label).value_or(""))] += s.value;
  }
  return out;
}

std::map<std::string, double> max_by(const Scrape& scrape, std::string_view name,
                                     std::string_view label) {
  std::map<std::string, double> out;
  for (const Sample& s : scrape.samples) {
    if (s.name != name) continue;
    auto [it, added] = out.try_emplace(std::string(s.label(label).value_or("")), s.value);
    if (!added) it->second = std::max(it->second, s.value);
  }
  return out;
}

std::optional<double> total(const Scrape& scrape, std::string_view name) {
  std::optional<double> sum;
  for (const Sample& s : scrape.samples) {
    if (s.name == name) sum = sum.value_or(0) + s.value;
  }
  return sum;
}

// Per second between the two scrapes, by label value.
std::map<std::string, double> rates(const Scrape* previous, const Scrape& current,
                                    std::string_view name, std::string_view label) {
  std::map<std::string, double> now = sum_by(current, name, label);
  std::map<std::string, double> out;
  if (!previous) {
    for (auto& [key, value] : now) out[key] = 0;
    return out;
  }
  std::map<std::string, double> before = sum_by(*previous, name, label);
  double seconds = current.seconds - previous->seconds;
  for (auto& [key, value] : now) {
    auto it = before.find(key);
    double increase = it == before.end() ? value : counter_increase(it->second, value);
    out[key] = seconds > 0 ? increase / seconds : 0;
  }
  return out;
}

// Cumulative buckets of one API's request duration histogram: le -> count.
std::map<double, double> buckets_of(const Scrape& scrape, std::string_view api) {
  std::string bucket_name = std::string(catalogue::kRequestDuration.name) + "_bucket";
  std::map<double, double> out;
  for (const Sample& s : scrape.samples) {
    if (s.name != bucket_name || s.label("api") != api) continue;
    auto le = s.label("le");
    if (!le) continue;
    double bound = *le == "+Inf" ? std::numeric_limits<double>::infinity() : std::stod(std::string(*le));
    out[bound] += s.value;
  }
  return out;
}

}  // namespace

double counter_increase(double before, double after) {
  return after >= before ? after - before : after;
}

std::optional<double> bucket_quantile(double q, std::span<const std::pair<double, double>> buckets) {
  if (buckets.empty()) return std::nullopt;
  double count = buckets.back().second;
  if (!(count > 0)) return std::nullopt;
  double rank = q * count;
  double lower = 0;
  double below = 0;
  for (const auto& [bound, cumulative] : buckets) {
    if (cumulative >= rank && cumulative > below) {
      if (std::isinf(bound)) return lower;  // the highest finite bound
      return lower + (bound - lower) * (rank - below) / (cumulative - below);
    }
    if (!std::isinf(bound)) lower = bound;
    below = cumulative;
  }
  return lower;
}

Frame compute_frame(const Scrape* previous, const Scrape& current) {
  Frame frame;
  auto records_in = rates(previous, current, catalogue::kRecordsIn.name, "topic");
  auto records_out = rates(previous, current, catalogue::kRecordsOut.name, "topic");
  auto bytes_in = rates(previous, current, catalogue::kBytesIn.name, "topic");
  auto bytes_out = rates(previous, current, catalogue::kBytesOut.name, "topic");
  std::map<std::string, TopicRow> topics;
  for (auto* source : {&records_in, &records_out, &bytes_in, &bytes_out}) {
    for (auto& [topic, rate] : *source) topics[topic].topic = topic;
  }
  for (auto& [topic, row] : topics) {
    row.records_in = records_in[topic];
    row.records_out = records_out[topic];
    row.bytes_in = bytes_in[topic];
    row.bytes_out = bytes_out[topic];
    frame.topics.push_back(row);
  }

  auto lag_now = sum_by(current, catalogue::kGroupLagRecords.name, "group");
  auto lag_seconds = max_by(current, catalogue::kGroupLagSeconds.name, "group");
  std::map<std::string, double> lag_before;
  if (previous) lag_before = sum_by(*previous, catalogue::kGroupLagRecords.name, "group");
  for (auto& [group, lag] : lag_now) {
    GroupRow row{group, lag, std::nullopt, std::nullopt};
    auto before = lag_before.find(group);
    double seconds = previous ? current.seconds - previous->seconds : 0;
    if (before != lag_before.end() && seconds > 0) row.trend = (lag - before->second) / seconds;
    if (auto s = lag_seconds.find(group); s != lag_seconds.end()) row.lag_seconds = s->second;
    frame.groups.push_back(row);
  }

  auto requests = rates(previous, current, catalogue::kRequests.name, "api");
  auto errors = rates(previous, current, catalogue::kRequestErrors.name, "api");
  for (auto& [api, rate] : requests) {
    ApiRow row{api, rate, errors[api], std::nullopt, std::nullopt};
    if (previous) {
      auto now = buckets_of(current, api);
      auto before = buckets_of(*previous, api);
      std::vector<std::pair<double, double>> interval;
      for (auto& [bound, count] : now) {
        auto it = before.find(bound);
        interval.emplace_back(bound, it == before.end() ? count : counter_increase(it->second, count));
      }
      row.p50_seconds = bucket_quantile(0.5, interval);
      row.p99_seconds = bucket_quantile(0.99, interval);
    }
    frame.apis.push_back(row);
  }

  auto follower_lag = sum_by(current, catalogue::kReplicationLagRecords.name, "follower");
  auto follower_seconds = max_by(current, catalogue::kReplicationLagSeconds.name, "follower");
  for (auto& [follower, lag] : follower_lag) {
    FollowerRow row{follower, lag, std::nullopt};
    if (auto s = follower_seconds.find(follower); s != follower_seconds.end()) row.lag_seconds = s->second;
    frame.followers.push_back(row);
  }

  frame.broker.connections = total(current, catalogue::kConnections.name);
  frame.broker.memory_bytes = total(current, catalogue::kRequestMemory.name);
  frame.broker.memory_budget_bytes = total(current, catalogue::kRequestMemoryBudget.name);
  for (const Sample& s : current.samples) {
    if (s.name != catalogue::kPartitionOffline.name) continue;
    frame.broker.partitions += 1;
    frame.broker.offline_partitions += s.value > 0 ? 1 : 0;
  }
  return frame;
}

namespace {

std::string rate_text(double per_second) {
  if (per_second >= 1e6) return fmt::format("{:.1f}M", per_second / 1e6);
  if (per_second >= 1e4) return fmt::format("{:.1f}k", per_second / 1e3);
  return fmt::format("{:.1f}", per_second);
}

std::string bytes_text(double bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  while (bytes >= 1024 && unit + 1 < std::size(kUnits)) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, kUnits[unit]);
}

std::string duration_text(std::optional<double> seconds) {
  if (!seconds) return "-";
  if (*seconds < 1e-3) return fmt::format("{:.0f} us", *seconds * 1e6);
  if (*seconds < 1) return fmt::format("{:.1f} ms", *seconds * 1e3);
  return fmt::format("{:.2f} s", *seconds);
}

std::string fit(std::string_view text, size_t width) {
  if (text.size() <= width) return std::string(text);
  if (width <= 3) return std::string(text.substr(0, width));
  return std::string(text.substr(0, width - 3)) + "...";
}

}  // namespace

std::string render_frame(const Frame& frame, const std::string& title, size_t width) {
  std::string out = fit(title, width) + "\n\n";
  size_t name_width = width > 72 ? width - 52 : 20;
  auto line = [&](std::string text) { out += fit(text, width) + "\n"; };

  line(fmt::format("{:<{}} {:>12} {:>12} {:>12} {:>12}", "TOPIC", name_width, "IN rec/s",
                   "OUT rec/s", "IN bytes/s", "OUT bytes/s"));
  if (frame.topics.empty()) line("  (no topics)");
  for (const auto& t : frame.topics) {
    line(fmt::format("{:<{}} {:>12} {:>12} {:>12} {:>12}", fit(t.topic, name_width), name_width,
                     rate_text(t.records_in), rate_text(t.records_out), bytes_text(t.bytes_in),
                     bytes_text(t.bytes_out)));
  }
  out += "\n";
  line(fmt::format("{:<{}} {:>12} {:>12} {:>12}", "GROUP", name_width, "LAG records",
                   "TREND rec/s", "LAG time"));
  if (frame.groups.empty()) line("  (no consumer groups)");
  for (const auto& g : frame.groups) {
    std::string trend = g.trend ? fmt::format("{:+.1f}", *g.trend) : "-";
    line(fmt::format("{:<{}} {:>12.0f} {:>12} {:>12}", fit(g.group, name_width), name_width,
                     g.lag_records, trend, duration_text(g.lag_seconds)));
  }
  out += "\n";
  line(fmt::format("{:<{}} {:>12} {:>12} {:>12} {:>12}", "API", name_width, "req/s", "errors/s",
                   "p50", "p99"));
  if (frame.apis.empty()) line("  (no requests)");
  for (const auto& a : frame.apis) {
    line(fmt::format("{:<{}} {:>12} {:>12} {:>12} {:>12}", fit(a.api, name_width), name_width,
                     rate_text(a.requests), rate_text(a.errors), duration_text(a.p50_seconds),
                     duration_text(a.p99_seconds)));
  }
  out += "\n";
  line(fmt::format("{:<{}} {:>12} {:>12}", "REPLICATION", name_width, "LAG records", "LAG time"));
  if (frame.followers.empty()) line("  (no followers)");
  for (const auto& f : frame.followers) {
    line(fmt::format("{:<{}} {:>12.0f} {:>12}", fit(f.follower, name_width), name_width,
                     f.lag_records, duration_text(f.lag_seconds)));
  }
  out += "\n";
  const BrokerSummary& b = frame.broker;
  std::string summary = fmt::format("partitions {:.0f} ({:.0f} offline)", b.partitions,
                                    b.offline_partitions);
  if (b.connections) summary += fmt::format(", connections {:.0f}", *b.connections);
  if (b.memory_bytes && b.memory_budget_bytes) {
    summary += fmt::format(", request memory {} of {}", bytes_text(*b.memory_bytes),
                           bytes_text(*b.memory_budget_bytes));
  }
  line(summary);
  return out;
}

}  // namespace cairn::tools
