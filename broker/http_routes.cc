#include "broker/http_routes.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "broker/broker_metrics.h"
#include "broker/group/coordinator.h"
#include "broker/metrics/catalogue.h"
#include "broker/metrics/text_format.h"
#include "broker/services.h"

namespace cairn::broker {

namespace catalogue = metrics::catalogue;

void ReadinessState::set_offline(std::string reasons) {
  std::lock_guard lock(mutex_);
  offline_ = std::move(reasons);
}

http::Readiness ReadinessState::probe() const {
  if (stopping_) return {false, "stopping"};
  if (!serving_) {
    return {false, "recovering: " + std::to_string(recovered_.load()) + " of " +
                       std::to_string(total_.load()) + " partitions recovered"};
  }
  std::lock_guard lock(mutex_);
  if (!offline_.empty()) return {false, "partitions offline: " + offline_};
  return {true, ""};
}

namespace {

using Committed = GroupCoordinator::Committed;

// One scrape in flight: each shard refreshes what it owns and hands over its groups' committed
// offsets; then each partition's owner measures how old the groups' first unread record is;
// the last shard of that round answers.
struct Scrape {
  Scrape(http::Responder r, unsigned shards) : respond(std::move(r)), left(shards) {}
  http::Responder respond;
  std::atomic<unsigned> left;
  std::mutex mutex;
  std::vector<Committed> committed;  // guarded by mutex
};

// On shard `shard`'s thread: sets the gauges computed at scrape time from what it owns.
void refresh_shard(BrokerServices& services, Shard& shard,
                   const std::function<uint32_t()>& open_connections, Scrape& scrape) {
  BrokerMetrics& m = services.metrics();
  unsigned id = shard.id();
  for (const Partition* p : shard.partitions()) p->refresh_gauges(id);
  m.request_memory.set(id, static_cast<double>(shard.budget().used()));
  if (id == 0) {
    m.connections_open.set(0, open_connections());
    m.request_memory_budget.set(0,
                                static_cast<double>(services.config().limits.request_memory_bytes));
  }
  metrics::Registry& registry = m.registry();
  auto committed = services.coordinator(id).committed_offsets();
  for (const auto& c : committed) {
    registry
        .gauge(catalogue::kGroupCommittedOffset, {c.group, c.topic, std::to_string(c.partition)})
        .set(id, static_cast<double>(c.offset));
  }
  for (const auto& g : services.coordinator(id).list()) {
    registry.gauge(catalogue::kGroupMembers, {g.group_id}).set(id, g.members);
  }
  std::lock_guard lock(scrape.mutex);
  for (auto& c : committed) scrape.committed.push_back(std::move(c));
}

// On the partitions' owner `shard`: cairn_group_lag_seconds for the committed offsets given.
void measure_lag_age(BrokerServices& services, Shard& shard,
                     const std::vector<Committed>& entries) {
  metrics::Registry& registry = services.metrics().registry();
  auto now = std::chrono::system_clock::now();
  for (const Committed& c : entries) {
    const Partition* p = shard.find(c.topic, c.partition);
    if (p == nullptr || p->log() == nullptr) continue;
    double age = 0;
    if (Offset(c.offset) < p->log()->high_watermark()) {
      auto ts = p->record_timestamp(Offset(c.offset));
      if (!ts) continue;
      age = std::max(0.0, std::chrono::duration<double>(now - *ts).count());
    }
    registry.gauge(catalogue::kGroupLagSeconds, {c.group, c.topic, std::to_string(c.partition)})
        .set(shard.id(), age);
  }
}

http::Response exposition(const metrics::Registry& registry) {
  http::Response r;
  r.content_type = std::string(metrics::kTextContentType);
  r.body = metrics::to_text(registry);
  return r;
}

// The second round of a scrape, from the shard that finished the first: the groups' lag in
// time, on each partition's owner; the last one answers.
void measure_then_answer(BrokerServices& services, const std::shared_ptr<Scrape>& scrape) {
  std::vector<std::vector<Committed>> by_shard(services.shard_count());
  {
    std::lock_guard lock(scrape->mutex);
    for (auto& c : scrape->committed) {
      by_shard[services.shard_for(c.topic, c.partition).id()].push_back(std::move(c));
    }
  }
  scrape->left = services.shard_count();
  for (const auto& shard : services.shards()) {
    boost::asio::post(shard->executor(), [&services, &shard = *shard, scrape,
                                          entries = std::move(by_shard[shard->id()])] {
      measure_lag_age(services, shard, entries);
      if (scrape->left.fetch_sub(1) == 1) {
        scrape->respond(exposition(services.metrics().registry()));
      }
    });
  }
}

}  // namespace

void add_broker_routes(http::Router& router, BrokerServices& services,
                       const ReadinessState& readiness,
                       std::function<uint32_t()> open_connections) {
  http::add_health_routes(router, [&readiness] { return readiness.probe(); });
  router.add(http::Method::kGet, "/metrics",
             http::Handler([&services, &readiness, open_connections = std::move(open_connections)](
                               const http::Request&, http::Responder respond) {
               metrics::Registry& registry = services.metrics().registry();
               // Shards run only once recovery is over; until then the series hold what they
               // were last set to.
               if (!readiness.serving()) return respond(exposition(registry));
               auto scrape = std::make_shared<Scrape>(std::move(respond), services.shard_count());
               for (const auto& shard : services.shards()) {
                 boost::asio::post(shard->executor(),
                                   [&services, &shard = *shard, scrape, &open_connections] {
                                     refresh_shard(services, shard, open_connections, *scrape);
                                     if (scrape->left.fetch_sub(1) == 1) {
                                       measure_then_answer(services, scrape);
                                     }
                                   });
               }
             }));
}

}  // namespace cairn::broker
